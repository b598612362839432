"""`contactctl runs`: the import runs a journal recorded, newest first."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contactctl.errors import UsageError
from contactctl.journal import sql
from contactctl.model import RunRow

STATUSES = ("added", "updated", "upserted", "skipped", "failed")


@dataclass(frozen=True)
class RunRecord:
    id: int
    started: str
    finished: str | None  # None: still running, or killed
    provider: str
    account: str
    files: list[str] | None  # None: recorded before contactctl kept it, or the run was cut
    summary: dict[str, int] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started": self.started,
            "finished": self.finished,
            "provider": self.provider,
            "account": self.account,
            "files": self.files,
            "summary": self.summary,
        }


def list_runs(journal: Path, provider: str | None = None) -> list[RunRecord]:
    """The runs in `journal`, newest first; none when there is no journal yet."""
    records = [_record(row) for row in _read(journal, sql.LIST_RUNS)]
    return [r for r in records if provider is None or r.provider == provider]


def find_run(journal: Path, run_id: int) -> RunRecord:
    """Run `run_id` of `journal`; UsageError (exit 2) when there is none."""
    found = _read(journal, sql.ONE_RUN, run_id)
    if not found:
        raise UsageError(
            f"The journal {journal} has no run {run_id}.",
            "`contactctl runs` lists the runs it recorded (pass --journal as for the import).",
        )
    return _record(found[0])


def rows_written(journal: Path, run_id: int) -> list[RunRow]:
    """The contacts run `run_id` wrote (what `undo --dry-run` shows)."""
    from contactctl.journal.store import run_row

    return [run_row(row) for row in _read(journal, sql.RUN_ROWS, run_id)]


def _read(journal: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows of a query, read-only, so it works while an import holds the journal's lock;
    none when there is no journal yet."""
    if not journal.exists():
        return []
    try:
        with closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True)) as db:
            return db.execute(query, params).fetchall()
    except sqlite3.Error as exc:
        raise UsageError(
            f"Cannot read the journal {journal}: {exc}.", "Check --journal, or run an import."
        ) from None


def _record(row: tuple[Any, ...]) -> RunRecord:
    run_id, started, finished, provider, account, files, summary = row
    return RunRecord(
        int(run_id),
        str(started),
        finished,
        str(provider),
        str(account),
        json.loads(files) if files else None,
        json.loads(summary) if summary else None,
    )


def describe(run: RunRecord) -> str:
    """One line per run, as the terminal shows it."""
    when = f"{run.started} → {run.finished or 'did not finish'}"
    files = ", ".join(run.files) if run.files else "(files not recorded)"
    if run.summary:
        shown = [k for k in run.summary if k != "total"] or list(STATUSES)
        counts = ", ".join(f"{run.summary.get(k, 0)} {k}" for k in shown)
        told = f"{run.summary['total']} rows: {counts}"
    else:
        told = "(no summary: the run did not finish)"
    return f"#{run.id}  {when}  {run.provider}  {files}  {told}"
