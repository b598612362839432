"""`python -m contactctl`: the same command as `contactctl`."""

from __future__ import annotations

from contactctl.cli.app import main

main()
