"""Spreadsheet import of members: header detection, column mapping, row checks, matching,
dry run and commit in all-or-nothing batches, jobs, rejected rows back as a spreadsheet.

Flow: ``columns.detect`` finds the header row below any title rows and maps columns by
Vietnamese or English headers with or without accents; ``run.Importer`` reads every row
(``rows``, ``values``), matches it to an existing member (``matching``: citizen identity
number first, then card number) and, unless it is a dry run, writes new and changed members
batch by batch (``writing``), each batch in one transaction with its history rows. ``jobs``
stores an upload, runs it in the request, a thread or a Celery worker and survives a dead
worker; ``rejected`` hands the refused rows back.

The names callers use are re-exported here: ``from congdoan.members import importing;
importing.start_job(...)``. Tuning constants live in their modules (``run.BATCH_SIZE``,
``jobs.SYNC_LIMIT_BYTES``, ``jobs.ANALYZE_AFTER_CREATED``): set them there.
"""

from .columns import FIELDS, REQUIRED_COLUMNS, Detected, detect, field_label, map_headers
from .jobs import (
    execute_job,
    headers_of,
    recover_stale_jobs,
    rerun_job,
    run_job,
    start_job,
)
from .rejected import rejected_rows_file, rejected_rows_xlsx
from .rows import RowResult, parse_row, rows_of
from .run import BatchWriter, Importer, Summary

__all__ = [
    "FIELDS",
    "REQUIRED_COLUMNS",
    "BatchWriter",
    "Detected",
    "Importer",
    "RowResult",
    "Summary",
    "detect",
    "execute_job",
    "field_label",
    "headers_of",
    "map_headers",
    "parse_row",
    "recover_stale_jobs",
    "rejected_rows_file",
    "rejected_rows_xlsx",
    "rerun_job",
    "rows_of",
    "run_job",
    "start_job",
]
