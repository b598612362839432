"""contactctl: a bulk contact importer that accounts for every row."""

from __future__ import annotations

__version__ = "0.1.0"
