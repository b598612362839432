"""The consoles every command prints to (the plan-building helpers live in contactctl.plan)."""

from __future__ import annotations

from contactctl.cli.console import consoles

__all__ = ["consoles"]
