"""A file's rows read and checked, batch by batch: in this process for a small file, in a
process of its own for a large one, so that this process matches and writes one batch while
the other reads and checks the next.

Checking (``rows.parse_row``, ``rows.check_repeats``) needs no database: it reads cells, the
run's plan of columns, the unit's union groups and the divisions. Matching and writing need
the database and stay here. On a machine of two cores a 100,000-row import spent half its time
in the checking, on one core, while the other waited; the two halves now run side by side.

The second process is forked once the file is loaded (it inherits the loaded sheet, the rows
already looked at and the run's caches, and never touches the database connections it also
inherits); it sends each checked batch back as plain values (a union group by its id), the
table's shape at the end, or the error that stopped it, which is raised here. Where forking is
not possible (another platform, a daemonic process) the rows are checked here, as for a
small file: the results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

from django.utils import translation

from .columns import TableShape
from .rows import RowResult, check_repeats, data_rows, parse_row

# Files of at least this many rows are checked in a second process (forking costs ~10 ms and
# the batches cross a pipe; below this a second core saves less than that).
PARALLEL_MIN_ROWS = 5000
PARALLEL = True


def checked_batches(
    rows: Iterator[tuple[int, list]],
    *,
    header_row: int,
    mapping: dict[str, int],
    cache: dict,
    shape: TableShape,
    batch_size: int,
    expected_rows: int | None = None,
) -> Iterator[list[RowResult]]:
    """Batches of ``batch_size`` checked rows of the table below ``header_row``, in file order;
    ``shape`` learns where the table ended. Repeats are checked across the whole file."""
    if _may_fork(expected_rows):
        try:
            checker = _Checker(rows, header_row, mapping, cache, batch_size)
        except (OSError, ValueError, AssertionError):  # no fork here: check in this process
            pass
        else:
            yield from checker.batches(shape, cache)
            return
    yield from _check(rows, header_row, mapping, cache, shape, batch_size)


def _may_fork(expected_rows: int | None) -> bool:
    return (
        PARALLEL
        and expected_rows is not None
        and expected_rows >= PARALLEL_MIN_ROWS
        and hasattr(os, "fork")
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _check(rows, header_row, mapping, cache, shape, batch_size) -> Iterator[list[RowResult]]:
    seen: dict = {}  # identity and card numbers (and people without one) met so far → their row
    batch: list[RowResult] = []
    for row_no, cells in data_rows(rows, header_row, shape):
        result = parse_row(row_no, cells, mapping, cache)
        check_repeats(result, seen)
        batch.append(result)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class CheckingFailed(RuntimeError):
    """The checking process ended without a word (killed, out of memory)."""


class _Checker:
    """The second process and the pipe its batches come through."""

    def __init__(self, rows, header_row, mapping, cache, batch_size):
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child,
            args=(sender, rows, header_row, mapping, cache, batch_size, translation.get_language()),
            name="import-checker",
            daemon=True,
        )
        try:
            self.process.start()
        finally:
            sender.close()  # the child's end: EOF here once the child is gone

    def batches(self, shape: TableShape, cache: dict) -> Iterator[list[RowResult]]:
        groups = {group.pk: group for group in cache.get("groups", {}).values()}
        try:
            while True:
                try:
                    kind, payload = self.receiver.recv()
                except EOFError as exc:
                    self.process.join(5)
                    raise CheckingFailed(
                        f"the import's checking process ended (exit code {self.process.exitcode})"
                    ) from exc
                if kind == "batch":
                    yield [_result(item, groups) for item in payload]
                elif kind == "done":
                    shape.__dict__.update(payload)
                    self.process.join(5)
                    return
                else:  # "error": what stopped the checking, raised here as it would have been
                    self.process.join(5)
                    raise payload
        finally:
            self.receiver.close()
            if self.process.is_alive():  # this side stopped first (an error, a failed batch)
                self.process.terminate()
            self.process.join()


def _child(sender, rows, header_row, mapping, cache, batch_size, language) -> None:
    """The second process: check every row, send the batches, then the shape (or the error)."""
    shape = TableShape(header_row)
    try:
        with translation.override(language):
            for batch in _check(rows, header_row, mapping, cache, shape, batch_size):
                sender.send(("batch", [_plain(result) for result in batch]))
        sender.send(("done", dict(shape.__dict__)))
    except BaseException as exc:  # noqa: BLE001 — handed to the importing process
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that cannot be pickled: its text
            sender.send(("error", CheckingFailed(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def _plain(result: RowResult) -> tuple:
    """A checked row as plain values (its union group by id) for the pipe."""
    values = result.values
    group = values.get("group")
    if group is not None:
        values = {**values, "group": group.pk}
    return result.row, values, result.errors


def _result(item: tuple, groups: dict) -> RowResult:
    row, values, errors = item
    if "group" in values:
        values["group"] = groups[values["group"]]
    return RowResult(row, values, errors)
