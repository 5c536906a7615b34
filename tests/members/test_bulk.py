"""Bulk insertion of members (demo data, large imports): the COPY text the rows become, and
the rows read back exactly as written on either database."""

import datetime
import decimal

import pytest
from django.db import connection
from django.utils import timezone

from congdoan.common import cccd
from congdoan.members import bulk
from congdoan.members.choices import Gender, MemberStatus
from congdoan.members.models import Member


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)


class Field:
    def __init__(self, attname):
        self.attname = attname

    def get_db_prep_save(self, value, connection):
        return value


def test_copy_lines_escape_and_render_every_kind_of_value():
    fields = [Field(n) for n in ("text", "choice", "number", "flag", "day", "money", "empty")]
    moment = datetime.datetime(2026, 11, 22, 7, 30, tzinfo=datetime.UTC)
    rows = [
        Row(
            text="tab\there\\back\nline\rcr",
            choice=Gender.FEMALE,
            number=7,
            flag=True,
            day=datetime.date(1990, 5, 1),
            money=decimal.Decimal("5000000"),
            empty=None,
        ),
        Row(
            text="Nguyễn Văn An",
            choice=None,
            number=None,
            flag=False,
            day=moment,
            money=None,
            empty="",
        ),
    ]
    lines = bulk.copy_lines(rows, fields, connection).decode().split("\n")
    assert lines[-1] == "" and len(lines) == 3
    assert lines[0].split("\t") == [
        "tab\\there\\\\back\\nline\\rcr",
        "female",
        "7",
        "t",
        "1990-05-01",
        "5000000",
        "\\N",
    ]
    assert lines[1].split("\t") == [
        "Nguyễn Văn An",
        "\\N",
        "\\N",
        "f",
        "2026-11-22T07:30:00+00:00",
        "\\N",
        "",
    ]
    assert bulk.copy_lines([], fields, connection) == b""


def test_inserted_members_read_back_as_written(tree, admin_user):
    now = timezone.now()
    members = []
    for n, street in enumerate(["Tổ 3\\khu 5", "Số 1\tngõ 2", "plain"]):
        member = Member(
            unit=tree.gr_a1,
            tree=tree.gr_a1.path[:4],
            full_name=f"Trần Thị Hoà {n}",
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1990, 5, n + 1),
            cccd=cccd.make("022", "female", 1990, n),
            card_number=f"TEST{n:04d}",
            permanent_street=street,
            status=MemberStatus.ACTIVE,
            status_since=datetime.date(2020, 1, 1),
            monthly_salary=decimal.Decimal(6_500_000) if n else None,
        )
        member.prepare()
        members.append(member)
    bulk.insert_members(members, user=admin_user, reason="test", when=now)
    for member in members:
        stored = Member.objects.get(pk=member.pk)
        for f in Member._meta.concrete_fields:
            assert getattr(stored, f.attname) == getattr(member, f.attname), f.attname
        history = stored.history.get()
        assert history.history_type == "+" and history.history_user_id == admin_user.pk
        assert history.permanent_street == member.permanent_street


@pytest.mark.parametrize("count", [1, 2500])
def test_every_new_member_gets_one_history_row(tree, count):
    members = []
    for n in range(count):
        member = Member(
            unit=tree.gr_a1,
            tree=tree.gr_a1.path[:4],
            full_name=f"Người {n}",
            card_number=f"RUN{n:06d}",
            status=MemberStatus.ACTIVE,
        )
        member.prepare()
        members.append(member)
    prepared = bulk.prepare_insert(members, reason="test")
    bulk.write_insert(prepared)
    assert Member.history.model.objects.filter(id__in=prepared.ids).count() == count
