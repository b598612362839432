"""The least each numeric provider setting may be, alone in a module: the config's checks
(settings.py) and the command line's flags (`--batch-size`, `--rate`...) both read it, and
`--help` must not load the settings machinery to build those flags."""

from __future__ import annotations

# The least each number may be, in the config and on the command line alike (the flags of
# cli/import_.py take their `min` from here): one rule per option.
MINIMUMS: dict[str, float] = {
    "batch_size": 1,
    "concurrency": 1,
    "rate": 0.001,
    "timeout": 0.001,
    "max_retries": 0,
    "max_answer_bytes": 1024,
}
