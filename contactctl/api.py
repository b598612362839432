"""The Python API (SPEC section 14): an import or a validation as a call, its rows as values.

The command line and these functions run the same plan through the same code; here nothing is
printed (what the command would have said on standard error is kept in `Report.log`), every
row comes back in `Report.rows`, and errors that stop a run before it starts are raised from
contactctl's one exception tree. A run that stops early once sending began (credentials
refused, the vendor gone) returns its Report, with `exit_code` 3 and `aborted` saying why,
since the rows delivered before it matter.
"""

from __future__ import annotations

import asyncio
import inspect
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contactctl.model import RowResult, Status
from contactctl.report.summary import Summary

OnResult = Callable[[RowResult], None]
ConfigArg = str | Path | Mapping[str, Any] | None


@dataclass(frozen=True)
class Report:
    """What a run did: every row's result in file order, the totals and the exit code."""

    rows: list[RowResult]
    exit_code: int
    aborted: str | None = None
    # What the command line would have printed on standard error: warnings, notes, errors.
    log: str = ""
    _sources: tuple[str, ...] = field(default=(), repr=False)

    @property
    def summary(self) -> dict[str, int]:
        """{"total", "added", "updated", "upserted", "skipped", "failed"}."""
        tally = Summary()
        for row in self.rows:
            tally.count(row.status)
        return tally.as_dict()

    def write(self, path: str | Path) -> None:
        """The report file `--report PATH` writes: .json, .csv or .xml (JUnit) by extension."""
        from contactctl.model import OutputMode
        from contactctl.report import Reporter, ReportSettings, check_report_path

        target = Path(path)
        check_report_path(target)
        settings = ReportSettings(
            provider=None, dry_run=False, output=OutputMode.QUIET, report_path=target
        )
        reporter = Reporter(settings, *_silent_consoles())
        reporter.expect_sources(self._sources)
        for row in self.rows:
            reporter.add(row)
        reporter.finish()


def import_contacts(
    files: Sequence[str | Path],
    *,
    provider: str | None = None,
    config: ConfigArg = None,
    on_result: OnResult | None = None,
    **options: Any,
) -> Report:
    """Import `files` (several files are one import) into `provider` and return the Report.

    `config`: a path, a mapping shaped like the config file, or None to find the file the
    command line would (`$CONTACTCTL_CONFIG`, `./contactctl.yaml`, the user config dir).
    `options` are the command's options by their Python names: region, mapping, dry_run,
    sandbox, on_duplicate, tags, list_name, batch_size, concurrency, rate, resume, journal,
    allow_landlines, allow_http, max_failures, input_format, sheet, delimiter, encoding.
    `on_result(row)` is called as each row's result is known (from the thread that runs the
    import). Inside a running event loop the import runs in a worker thread, so this call
    works there too (it blocks that loop; `import_contacts_async` does not).
    """
    run = _ImportCall(files, provider, config, on_result, options)
    if _in_running_loop():
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="contactctl") as pool:
            return pool.submit(run).result()
    return run()


async def import_contacts_async(
    files: Sequence[str | Path],
    *,
    provider: str | None = None,
    config: ConfigArg = None,
    on_result: OnResult | None = None,
    **options: Any,
) -> Report:
    """`import_contacts` for a running event loop: the run goes to a worker thread."""
    return await asyncio.to_thread(_ImportCall(files, provider, config, on_result, options))


def validate_contacts(
    files: Sequence[str | Path],
    *,
    provider: str | None = None,
    config: ConfigArg = None,
    region: str | None = None,
    on_result: OnResult | None = None,
    **options: Any,
) -> Report:
    """What `contactctl validate` reports: each row valid (`skipped`) or failed, nothing sent.

    `options`: mapping, allow_landlines, input_format, sheet, delimiter, encoding.
    """
    from contactctl.plan import input_plan
    from contactctl.validator import run_validate

    paths = [str(f) for f in files]
    loaded = _load_config(config)
    rows: list[RowResult] = []
    options = dict(options)
    allow_landlines = bool(options.pop("allow_landlines", False))
    plan = input_plan(paths, loaded, region=region, **_read_options(options))
    _refuse_unknown(options, "validate_contacts")
    settings = _collecting(provider, False, "validate", rows, on_result)
    out, err = _silent_consoles()
    code = run_validate(plan, loaded, provider, allow_landlines, settings, out, err)
    return _report(rows, int(code), None, err, paths)


class _ImportCall:
    """One import, ready to run on whichever thread calls it."""

    def __init__(
        self,
        files: Sequence[str | Path],
        provider: str | None,
        config: ConfigArg,
        on_result: OnResult | None,
        options: Mapping[str, Any],
    ) -> None:
        self.files = [str(f) for f in files]
        self.provider = provider
        self.config = config
        self.on_result = on_result
        self.options = dict(options)

    def __call__(self) -> Report:
        from contactctl.importer import run_import

        rows: list[RowResult] = []
        plan = _import_plan(self, rows)
        out, err = _silent_consoles()
        code = run_import(plan, out, err)
        aborted = _aborted_line(err) if code == 3 else None
        return _report(rows, int(code), aborted, err, self.files)


def _import_plan(call: _ImportCall, rows: list[RowResult]) -> Any:
    """The plan the command line would build from the same options (plan.import_plan)."""
    from contactctl.plan import import_plan

    options = dict(call.options)
    for name in ("mapping", "journal"):
        if options.get(name) is not None:
            options[name] = Path(options[name])
    loaded = _load_config(call.config)
    provider = call.provider or loaded.default_provider
    report = _collecting(provider, bool(options.get("dry_run")), "import", rows, call.on_result)
    # The keywords import_plan takes after the files, config and report settings.
    known = {
        name
        for name, parameter in inspect.signature(import_plan).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "provider"
    }
    _refuse_unknown({key: value for key, value in options.items() if key not in known})
    return import_plan(call.files, loaded, report, provider=provider, **options)


_READ_OPTIONS = ("mapping", "input_format", "sheet", "delimiter", "encoding")


def _read_options(options: dict[str, Any]) -> dict[str, Any]:
    """The reading options, taken out of `options` (what is left must be empty)."""
    taken = {name: options.pop(name, None) for name in _READ_OPTIONS}
    mapping = taken.pop("mapping")
    taken["mapping_path"] = Path(mapping) if mapping is not None else None
    return taken


def _refuse_unknown(options: Mapping[str, Any], function: str = "import_contacts") -> None:
    if options:
        from contactctl.errors import UsageError

        raise UsageError(f"Unknown option {sorted(options)[0]!r} for {function}.")


def _load_config(config: ConfigArg) -> Any:
    from contactctl.config import load_config, parse_config_data

    if config is None:
        return load_config(None)
    if isinstance(config, Mapping):
        return parse_config_data(dict(config), None)
    return load_config(Path(config))


def _collecting(
    provider: str | None,
    dry_run: bool,
    command: str,
    rows: list[RowResult],
    on_result: OnResult | None,
) -> Any:
    """Report settings that print nothing and keep every row in `rows` (and hand each to
    `on_result`)."""
    from contactctl.model import OutputMode
    from contactctl.report import ReportSettings

    def collect(result: RowResult) -> None:
        rows.append(result)
        if on_result is not None:
            on_result(result)

    return ReportSettings(
        provider=provider,
        dry_run=dry_run,
        output=OutputMode.QUIET,
        command=command,
        on_result=collect,
    )


def _report(
    rows: list[RowResult], code: int, aborted: str | None, err: Any, files: Iterable[str]
) -> Report:
    sources = tuple("<stdin>" if f == "-" else f for f in files)
    rank = {source: n for n, source in enumerate(sources)}
    ordered = sorted(rows, key=lambda r: (rank.get(r.source, len(rank)), r.row))
    return Report(ordered, code, aborted, err.file.getvalue(), sources)


def _aborted_line(err: Any) -> str | None:
    prefix = "Run aborted: "
    text: str = err.file.getvalue()
    for line in text.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :]
    return None


def _silent_consoles() -> tuple[Any, Any]:
    from rich.console import Console

    def console() -> Console:
        return Console(file=io.StringIO(), force_terminal=False, width=100, color_system=None)

    return console(), console()


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


__all__ = [
    "Report",
    "RowResult",
    "Status",
    "import_contacts",
    "import_contacts_async",
    "validate_contacts",
]
