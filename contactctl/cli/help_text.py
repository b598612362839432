"""The examples and the exit-code table `--help` ends with (plain text, laid out as is)."""

from __future__ import annotations

# "\b" on its own line tells click not to rewrap the paragraph after it.
EXIT_CODES = """\b
Exit codes:
  0    every row added, updated, upserted or skipped
  1    one or more rows failed (the report says which and why)
  2    usage, config or input-file error: nothing was sent
  3    run aborted (authentication, provider unreachable, --max-failures)
  130  interrupted (Ctrl-C, SIGTERM): partial report written; a rerun resumes

\b
Start with:  contactctl import contacts.csv -p octopush --sandbox
Each command's --help shows examples."""

IMPORT_EXAMPLES = """\b
Examples:
  contactctl import contacts.csv -p octopush --sandbox
  contactctl import contacts.xlsx -p callbell -c contactctl.yaml --dry-run
  contactctl import a.csv b.jsonl -p shoutout -r GB --report run.json -q
  cat contacts.csv | contactctl import - -p pabbly --output json"""

RUNS_EXAMPLES = """\b
Examples:
  contactctl runs
  contactctl runs -p callbell --output json"""

UNDO_EXAMPLES = """\b
Examples:
  contactctl runs                       # find the run's id
  contactctl undo 12 --dry-run          # what would be deleted, restored, or not undone
  contactctl undo 12 --report undo.json"""

EXPORT_EXAMPLES = """\b
Examples:
  contactctl export -p callbell -o old.csv
  contactctl export -p ivvy --format json > contacts.json
  contactctl export -p callbell -o old.csv && contactctl import old.csv -p pabbly"""

VALIDATE_EXAMPLES = """\b
Examples:
  contactctl validate contacts.csv
  contactctl validate contacts.csv -p callbell -r FR --rejects bad.csv"""

MAPPING_EXAMPLES = """\b
Examples:
  contactctl mapping export.csv > mapping.yaml
  contactctl import export.csv -p octopush --mapping mapping.yaml --dry-run"""

PROVIDERS_EXAMPLES = """\b
Examples:
  contactctl providers
  contactctl providers --output json"""

SANDBOX_EXAMPLES = """\b
Examples:
  contactctl sandbox -p octopush --port 8025
  contactctl sandbox -p octopush --reset"""
