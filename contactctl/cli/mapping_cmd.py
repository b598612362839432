"""`contactctl mapping FILE...`: print the mapping the import would use, to edit and reuse."""

from __future__ import annotations

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def mapping_command(
    files: o.Files,
    config: o.ConfigOpt = None,
    region: o.RegionOpt = None,
    mapping: o.MappingOpt = None,
    input_format: o.InputFormatOpt = None,
    sheet: o.SheetOpt = None,
    delimiter: o.DelimiterOpt = None,
    encoding: o.EncodingOpt = None,
) -> None:
    """Print the column mapping import would use, as a mapping file (--mapping) to edit.

    Each column's first values follow it as comments. With several files, one YAML
    document per file, separated by ---.
    """

    def body() -> ExitCode:
        from contextlib import ExitStack

        from contactctl.config import load_config
        from contactctl.intake.mapping import ColumnMap
        from contactctl.intake.mapping_yaml import mapping_yaml
        from contactctl.intake.sampling import peek
        from contactctl.plan import input_plan
        from contactctl.readers import open_table

        plan = input_plan(
            files,
            load_config(config),
            region=region,
            mapping_path=mapping,
            input_format=input_format,
            sheet=sheet,
            delimiter=delimiter,
            encoding=encoding,
        )
        documents: list[str] = []
        for path in plan.files:
            with ExitStack() as stack:
                table = stack.enter_context(open_table(path, plan.read))
                columns = ColumnMap.build(
                    table.source, table.headers, plan.mapping, require_key=False
                )
                region_ = plan.normalize.default_region
                documents.append(
                    mapping_yaml(table.source, columns, peek(table), plan.mapping, region_)
                )
        print("---\n".join(documents), end="")
        return ExitCode.OK

    run_command(body)
