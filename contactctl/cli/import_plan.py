"""`import` options + the config → an ImportPlan, checked before anything is read or sent."""

from __future__ import annotations

from contactctl.cli.import_args import ImportArgs
from contactctl.config import Config, config_is_readable_by_others, load_config
from contactctl.errors import UsageError
from contactctl.model import OnDuplicate
from contactctl.plan import ImportPlan, Tuning, input_plan, report_settings
from contactctl.printable import printable
from contactctl.providers.base import RunOptions


def build_import_plan(args: ImportArgs) -> ImportPlan:
    config = load_config(args.config)
    provider = args.provider or config.default_provider
    if not provider:
        raise UsageError(
            "No provider given.", "Pass --provider NAME or set default_provider in the config."
        )
    if not args.quiet:
        _warn_literal_secrets(config, provider)
    return ImportPlan(
        inputs=input_plan(
            args.files,
            config,
            region=args.region,
            mapping_path=args.mapping,
            input_format=args.input_format,
            sheet=args.sheet,
            delimiter=args.delimiter,
            encoding=args.encoding,
        ),
        provider=provider,
        config=config,
        run=RunOptions(
            on_duplicate=OnDuplicate(args.on_duplicate),
            tags=tuple(t.strip() for t in args.tags if t.strip()),
            list_name=args.list_name,
        ),
        report=report_settings(
            provider=provider,
            dry_run=args.dry_run,
            output=args.output,
            show=args.show,
            report=args.report,
            rejects=args.rejects,
            command="import",
        ),
        tuning=Tuning(args.batch_size, args.concurrency, args.rate),
        dry_run=args.dry_run,
        sandbox=args.sandbox,
        max_failures=args.max_failures,
        resume=args.resume,
        journal_path=args.journal,
        allow_landlines=args.allow_landlines,
        allow_http=args.allow_http,
        verbose=args.verbose,
    )


def _warn_literal_secrets(config: Config, provider: str) -> None:
    """A secret written into a file that others can read deserves a word."""
    import sys

    from contactctl.setup import credential_keys

    if config.path is None or not config_is_readable_by_others(config.path):
        return
    literal = [
        f"providers.{provider}.{key}"
        for key in credential_keys(provider)
        if f"providers.{provider}.{key}" in config.literal_keys
    ]
    if literal:
        print(
            printable(
                f"contactctl: warning: {config.path} holds {', '.join(literal)} in clear text "
                "and other users can read it; use ${ENV_VAR} or chmod 600 it."
            ),
            file=sys.stderr,
        )
