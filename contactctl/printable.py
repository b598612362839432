"""Text safe for a terminal: control characters from files or vendors never reach it raw.

A cell holding `ESC]0;title BEL` would retitle the window, `ESC[2J` clear the screen, a
carriage return overwrite what was printed; so every C0 and C1 control character but the
newline and the tab is taken out of what is printed. Plain text (an error line) shows it
escaped (`\\x1b`); what rich lays out (tables, warnings, progress) drops it, since a wider
escape would shift the columns rich has already measured (safe_console.py).

No rich here: error lines are printed by every command, `--help` included, and importing
rich costs more than the rest of the start-up.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with each control character shown as its escape: ESC becomes `\\x1b`."""
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)
