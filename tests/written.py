"""Which phone numbers each vendor was asked to write, from an emulator's request log.

Octopush, ShoutOUT and Pabbly key their store by the number, so "the store holds each
number once" is true even if contactctl wrote a contact twice; what the request log says
was written is what shows it. A write counts when the emulator answered it with a 2xx;
each emulator says where its writes carry numbers (`Emulator.numbers_written`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from contactctl.sandbox import emulator_class


def phones_written(provider: str, requests: Iterable[Any], *, adding: bool = False) -> Counter[str]:
    """How many times each number (as +digits) went out in a write the vendor accepted;
    with `adding`, only in writes that could add a contact."""
    emulator = emulator_class(provider)
    assert emulator is not None, f"{provider} has no emulator"
    written: Counter[str] = Counter()
    for request in requests:
        written.update("+" + digits for digits in emulator.numbers_written(request, adding=adding))
    return written
