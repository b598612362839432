from __future__ import annotations

from contactctl.cli.app import main

main()
