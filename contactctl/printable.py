"""Text safe for a terminal: control characters from files or vendors never reach it raw.

A cell holding `ESC]0;title BEL` would retitle the window, `ESC[2J` clear the screen, a
carriage return overwrite what was printed; so every C0 and C1 control character but the
newline and the tab is taken out of what is printed. Plain text (an error line) shows it
escaped (`\\x1b`); what rich lays out (tables, warnings, progress) drops it, since a wider
escape would shift the columns rich has already measured.
"""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment

# C0 but tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with each control character shown as its escape: ESC becomes `\\x1b`."""
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)


class _Stripped:
    """A renderable drawn as the one it wraps, its text without control characters.

    rich's own codes (colours, the progress display's cursor moves) are not in the text of
    the segments: styles are applied when written, moves are control segments, kept as is.
    """

    def __init__(self, inner: ConsoleRenderable) -> None:
        self._inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self._inner, options):
            if segment.control or not CONTROL.search(segment.text):
                yield segment
            else:
                yield Segment(strip_controls(segment.text), segment.style)


class StripControls(RenderHook):
    """Installed on a console, everything it prints goes through `_Stripped`."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Stripped(renderable) for renderable in renderables]


def safe_console(console: Console) -> Console:
    """`console`, stripping control characters from all it prints."""
    console.push_render_hook(StripControls())
    return console
