"""A large file's rows are checked in a second process (``importing.checking``): the same
outcome, errors and table shape as checked in-process, and a failure there is the job's."""

from __future__ import annotations

import os
import signal

import pytest

from congdoan.common import cccd
from congdoan.common.spreadsheets import UnreadableFile
from congdoan.members import importing
from congdoan.members.choices import ImportStatus
from congdoan.members.importing import checking
from congdoan.members.models import Member
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit

from .test_import import run, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def forks(monkeypatch):
    """Every file is checked in a second process; the batches are small; the processes
    started are counted."""
    monkeypatch.setattr(checking, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(importing.run, "BATCH_SIZE", 4)
    started = []
    original = checking._Checker.__init__

    def counting(self, *args):
        original(self, *args)
        started.append(self.process)

    monkeypatch.setattr(checking._Checker, "__init__", counting)
    return started


def roster(group_code: str) -> bytes:
    """Title rows, a header, fourteen rows (a repeated number, a bad date, a bad phone, a
    union group, one without a name) and a signed footer."""
    rows = [
        ["CÔNG ĐOÀN CƠ SỞ CÔNG TY MAY", None],
        ["DANH SÁCH ĐOÀN VIÊN"],
        ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Số điện thoại", "Tổ công đoàn"],
    ]
    for i in range(10):
        rows.append(
            [
                f"Trần Thị {chr(65 + i)}",
                "Nữ",
                "02/03/1991",
                cccd.make("022", "female", 1991, i),
                f"09120000{i:02d}",
                group_code if i % 3 == 0 else None,
            ]
        )
    rows.append(["Lê Văn Lặp", "Nam", "01/01/1990", cccd.make("022", "female", 1991, 2), None])
    rows.append(["Phạm Văn Ngày", "Nam", "31/02/1990", None, None])
    rows.append(["Đỗ Văn Số", "Nam", "01/01/1990", None, "12345"])
    rows.append([None, "Nam", "01/01/1990", None, None])
    rows.append([None])
    rows.append(["Tổng số: 14 đoàn viên"])
    rows.append([None, None, None, "CHỦ TỊCH", None])
    rows.append([None, None, None, "Nguyễn Văn Ký", None])
    return xlsx_bytes(rows)


def outcome(job):
    return (
        job.status,
        job.total,
        job.created,
        job.rejected,
        sorted((e["row"], e["field"], e["message"]) for e in job.errors),
        job.report,
    )


def test_checked_in_a_second_process_as_in_this_one(tree, officer_a, forks, monkeypatch):
    group = Unit.objects.add_child(
        tree.gr_a1, instance=Unit(code="TO-01", name="Tổ 1", kind=UnitKind.UNION_GROUP)
    )
    data = roster(group.code)
    in_a_second_process = run(officer_a, tree.gr_a1, data, dry_run=True)
    assert len(forks) == 1 and forks[0].exitcode == 0
    monkeypatch.setattr(checking, "PARALLEL", False)
    here = run(officer_a, tree.gr_a1, data, dry_run=True)
    assert len(forks) == 1
    assert outcome(in_a_second_process) == outcome(here)
    status, total, created, rejected, errors, report = outcome(here)
    assert (status, total, created, rejected) == (ImportStatus.CHECKED, 14, 10, 4)
    assert {(row, field) for row, field, _ in errors} >= {
        (14, "cccd"),  # the repeated number
        (15, "date_of_birth"),
        (16, "phone"),
        (17, "full_name"),
    }
    assert report["footer_row"] == 19 and report["table_end"] == 17


def test_a_real_run_writes_what_the_second_process_checked(tree, officer_a, forks):
    group = Unit.objects.add_child(
        tree.gr_a1, instance=Unit(code="TO-01", name="Tổ 1", kind=UnitKind.UNION_GROUP)
    )
    job = run(officer_a, tree.gr_a1, roster(group.code), dry_run=False)
    assert (job.status, job.created, job.rejected) == (ImportStatus.DONE, 10, 4)
    assert len(forks) == 1
    members = Member.objects.filter(unit=tree.gr_a1)
    assert members.count() == 10
    assert members.filter(group=group).count() == 4  # the group came back across the pipe
    assert members.get(full_name="Trần Thị A").phone == "+84912000000"


def test_an_error_in_the_second_process_fails_the_job_in_its_language(
    tree, officer_a, forks, monkeypatch
):
    original = importing.rows.parse_row

    def unreadable_at_row_9(row_no, cells, mapping, cache):
        if row_no == 9:
            raise UnreadableFile("Tệp hỏng ở dòng 9.")
        return original(row_no, cells, mapping, cache)

    monkeypatch.setattr(checking, "parse_row", unreadable_at_row_9)
    job = run(officer_a, tree.gr_a1, roster("X"), dry_run=False)
    assert job.status == ImportStatus.FAILED
    assert job.message == "Tệp hỏng ở dòng 9."
    # The batch checked before the failure (rows 4–7) was written whole; nothing after it.
    assert Member.objects.count() in (0, 4)
    assert forks[0].exitcode == 0


def test_a_killed_checker_is_a_failed_job_not_a_hang(tree, officer_a, forks, monkeypatch):
    original = importing.rows.parse_row

    def killed_at_row_9(row_no, cells, mapping, cache):
        if row_no == 9:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(row_no, cells, mapping, cache)

    monkeypatch.setattr(checking, "parse_row", killed_at_row_9)
    with pytest.raises(checking.CheckingFailed, match="exit code -9"):
        run(officer_a, tree.gr_a1, roster("X"), dry_run=False)
    assert forks[0].exitcode == -signal.SIGKILL
    assert Member.objects.count() in (0, 4)


def test_small_files_are_checked_here(tree, officer_a, monkeypatch):
    started = []
    monkeypatch.setattr(checking._Checker, "__init__", lambda *a: started.append(a))
    job = run(officer_a, tree.gr_a1, roster("X"), dry_run=True)
    assert (job.status, job.created, job.rejected) == (ImportStatus.CHECKED, 6, 8)  # no group X
    assert started == []  # 21 rows: below PARALLEL_MIN_ROWS
