"""Consoles that never print a control character: what rich lays out goes through a hook
that drops them (printable.py says why), rich's own colour and cursor codes excepted."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment

from contactctl.printable import CONTROL, strip_controls


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
