"""Small enums alone in a module: the choices the command line offers (input formats,
duplicate handling, output modes) and whether a write reached the vendor (which the error
tree carries), so `--help` builds its options without loading the contact model.
`contactctl.model` re-exports them."""

from __future__ import annotations

from enum import StrEnum


class InputFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    XLSX = "xlsx"
    VCF = "vcf"


class OnDuplicate(StrEnum):
    UPDATE = "update"
    SKIP = "skip"


class OutputMode(StrEnum):
    """What goes to standard output."""

    TABLE = "table"
    JSON = "json"
    QUIET = "quiet"


class ShowMode(StrEnum):
    """Which rows the terminal table lists."""

    PROBLEMS = "problems"
    ALL = "all"


class Delivery(StrEnum):
    """Whether a row's write reached the vendor: a typed fact, never read back from a message.

    Set where it becomes known (the exception raised for a request carries it) and used by the
    journal: only a row surely `not sent` loses its intent; one that `may have landed` is
    checked or re-sent idempotently by the next run, never called unchanged.
    """

    NOT_SENT = "not sent"
    MAY_HAVE_LANDED = "may have landed"
    LANDED = "landed"
