"""One run of one file into one grassroots unit: rows read and checked, then matched and
written batch by batch, each batch all or nothing with its history rows; a dry run writes
nothing. A large file's rows are read and checked in a second process (``checking``) while
this one matches them; on PostgreSQL each batch is written on a second connection while the
next one is matched (``BatchWriter``).

Re-running an import (after an interruption, or the same file twice) finds the rows already
written and reports them unchanged.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congdoan.accounts.models import User
from congdoan.common.spreadsheets import Sheet, UnreadableFile
from congdoan.common.text import fold
from congdoan.org.choices import MEMBER_MANAGERS, UnitKind
from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q
from congdoan.org.services import require_role

from ..bulk import PreparedInsert
from ..models import tree_key
from ..services import check_unit, resolve_unit
from .checking import checked_batches
from .columns import REQUIRED_COLUMNS, TableShape, detect_in, field_label, unmapped_columns
from .matching import Destination, match_rows
from .rows import RowResult
from .writing import prepare_new, write_batch

BATCH_SIZE = 2000
# Large imports on PostgreSQL write each batch while the next one is checked (``BatchWriter``).
PIPELINE = True


@dataclass
class Summary:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    # The file's shape: header row, where the table ended (a form's footer), unmapped columns.
    report: dict = field(default_factory=dict)

    def add(self, result: RowResult) -> None:
        self.total += 1
        counter = "created" if result.outcome == "new" else result.outcome
        setattr(self, counter, getattr(self, counter) + 1)
        for name, message in result.errors:
            self.errors.append(
                {"row": result.row, "field": name, "column": field_label(name), "message": message}
            )


class Importer:
    """One import run of one file into one grassroots unit."""

    def __init__(
        self,
        actor: User,
        unit: Unit,
        *,
        dry_run: bool,
        mapping: dict[str, int] | None = None,
        header_row: int | None = None,
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[list[RowResult]], None] | None = None,
    ):
        require_role(actor, unit, MEMBER_MANAGERS)
        unit, default_group = resolve_unit(unit)
        check_unit(unit)
        self.destination = Destination(actor, unit, default_group, tree_key(unit.path))
        self.dry_run = dry_run
        self.mapping = mapping
        self.header_row = header_row
        self.progress = progress or (lambda n: None)
        # Called inside each batch's transaction (a job records its counts there: jobs.py).
        self.on_batch = on_batch or (lambda rows: None)
        self.cache: dict = {"groups": self._groups()}
        self.issued: set[str] = set()  # card numbers this run has issued
        self.today = timezone.localdate()
        self.summary = Summary()

    def _groups(self) -> dict:
        groups = {}
        for group in Unit.objects.filter(
            prefix_q(self.destination.unit.path), kind=UnitKind.UNION_GROUP, status="active"
        ):
            groups[group.code.upper()] = group
            groups[fold(group.name)] = group
        return groups

    def run(self, source, filename: str) -> Summary:
        """Import the file ``source`` (a path or a binary file) named ``filename``."""
        sheet = Sheet(source, filename)
        return self.run_rows(sheet.rows(), expected_rows=sheet.row_count)

    def run_rows(
        self, rows: Iterator[tuple[int, list]], *, expected_rows: int | None = None
    ) -> Summary:
        """Import ``rows`` (see ``read_rows``); the header is detected in them when not given, so
        the file is read once. ``expected_rows`` (the sheet's row count): a large file's rows
        are checked in a second process (``checking``)."""
        with long_lived_objects_frozen():
            return self._run_rows(rows, expected_rows)

    def _run_rows(self, rows: Iterator[tuple[int, list]], expected_rows: int | None) -> Summary:
        if self.mapping is None or self.header_row is None:
            head: list = []
            detected = detect_in(rows, head)
            self.header_row, self.mapping = detected.header_row, detected.mapping
            rows = itertools.chain(head, rows)
        missing = [field_label(f) for f in REQUIRED_COLUMNS if f not in self.mapping]
        if missing:
            raise UnreadableFile(
                _("No column for: %(fields)s. Correct the column mapping.")
                % {"fields": ", ".join(missing)}
            )
        writer: BatchWriter | None = None
        self.done = 0
        self.shape = shape = TableShape(self.header_row)
        batches = checked_batches(
            rows,
            header_row=self.header_row,
            mapping=self.mapping,
            cache=self.cache,
            shape=shape,
            batch_size=BATCH_SIZE,
            expected_rows=expected_rows,
        )
        try:
            batch = next(batches, None)
            while batch is not None:
                following = next(batches, None)  # the last one also ends the table's shape
                writer = self._batch(batch, writer, more=following is not None)
                batch = following
        except BaseException:
            if writer is not None:
                writer.close(raise_failure=False)  # the batch being written still ends whole
            raise
        if writer is not None:
            writer.close()  # waits for the last batch; re-raises a failure of the writing
        self.summary.report = {
            "header_row": self.header_row,
            "table_end": shape.table_end,
            "footer_row": shape.footer_row,
            "footer": shape.footer[:200],
            "unmapped": unmapped_columns(shape.titles(), self.mapping),
        }
        return self.summary

    # One batch: match, validate, write — each batch all or nothing.
    def _batch(self, rows: list[RowResult], writer: BatchWriter | None, *, more: bool):
        """Check and write ``rows``; from the second batch of a large import on, the writing goes
        to a ``BatchWriter`` so that the next batch is read and checked meanwhile."""
        if writer is None and more and self._may_pipeline():
            writer = BatchWriter(self)
        if writer is not None:
            self._match_and_validate(rows)
            writer.submit(rows, self._prepare_write(rows))
            return writer
        with transaction.atomic():
            self._match_and_validate(rows)
            if not self.dry_run:
                self._write(rows)
            self.on_batch(rows)
        self._finish_batch(rows)
        return None

    def _finish_batch(self, rows: list[RowResult]) -> None:
        for result in rows:
            self.summary.add(result)
        self.done += len(rows)
        self.progress(self.done)

    def _may_pipeline(self) -> bool:
        """Writing on a second connection needs PostgreSQL (SQLite has one writer at a time) and no
        transaction held by the caller (its uncommitted rows would be invisible there)."""
        return (
            PIPELINE
            and not self.dry_run
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )

    # The topics of a batch, each in its module; methods so that a test can stop a run midway.
    def _match_and_validate(self, rows: list[RowResult]) -> None:
        match_rows(rows, self.destination, self.cache)

    def _write(self, rows: list[RowResult]) -> None:
        self._apply(self._prepare_write(rows), rows)

    def _prepare_write(self, rows: list[RowResult]) -> PreparedInsert | None:
        return prepare_new(rows, self.destination, self.issued, self.today)

    def _apply(self, prepared: PreparedInsert | None, rows: list[RowResult]) -> None:
        write_batch(prepared, rows, self.destination)


_frozen = {"imports": 0}
_frozen_lock = threading.Lock()


@contextlib.contextmanager
def long_lived_objects_frozen():
    """Python's cycle collector leaves the objects that exist when an import starts alone until
    it ends (``gc.freeze``): a 100,000-row import allocates millions of small objects, and each
    full collection would otherwise walk the whole process again (~15 % of the import's time).
    Nothing is lost: the objects go back to the collector when the last running import ends."""
    with _frozen_lock:
        _frozen["imports"] += 1
        gc.freeze()
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen["imports"] -= 1
            if not _frozen["imports"]:
                gc.unfreeze()


class BatchWriter:
    """Writes an import's checked batches on a connection of its own, in a thread of its own, while
    the importer reads and checks the next batch: the database's work (rows, indexes, history,
    foreign keys) runs on one core while Python parses on the other.

    Batches are written in order, one transaction each, as without it; at most one batch waits.
    After a failure nothing more is written, and the failure is raised in the importing thread.
    """

    def __init__(self, importer: Importer):
        self.importer = importer
        self.language = translation.get_language()
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True, name="import-writer")
        self.thread.start()

    def submit(self, rows: list[RowResult], prepared: PreparedInsert | None) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put((rows, prepared))

    def close(self, *, raise_failure: bool = True) -> None:
        self.queue.put(None)
        self.thread.join()
        if raise_failure and self.failure is not None:
            raise self.failure

    def _loop(self) -> None:
        try:
            with translation.override(self.language):
                while (item := self.queue.get()) is not None:
                    if self.failure is not None:
                        continue  # drain: nothing after a failed batch is written
                    rows, prepared = item
                    try:
                        with transaction.atomic():
                            self.importer._apply(prepared, rows)
                            self.importer.on_batch(rows)  # on this thread's connection
                        self.importer._finish_batch(rows)
                    except BaseException as exc:  # handed to the importing thread
                        self.failure = exc
        finally:
            connection.close()  # this thread's own connection
