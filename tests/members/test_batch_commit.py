"""Card numbers of an import batch are reserved in a short transaction of their own whose
commit does not wait for the disk (PostgreSQL); never the batch's own transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from congdoan.members.models import Member
from congdoan.members.services import batches

from .conftest import member_fields

pytestmark = pytest.mark.django_db(transaction=True)

ASYNC = "SET LOCAL synchronous_commit TO OFF"


def new_members(tree, count=3):
    return [Member(unit=tree.gr_a1, **member_fields(n)) for n in range(2, 2 + count)]


def said(queries) -> int:
    return sum(ASYNC in q["sql"] for q in queries)


def test_the_reservation_alone_commits_without_waiting(tree, admin_user):
    with CaptureQueriesContext(connection) as queries:
        prepared = batches.prepare_admissions(admin_user, tree.gr_a1, new_members(tree))
    assert said(queries) == (1 if connection.vendor == "postgresql" else 0)
    with CaptureQueriesContext(connection) as queries:
        batches.admit_members_batch(admin_user, tree.gr_a1, prepared=prepared)
    assert said(queries) == 0  # the members' own commit waits for the disk
    assert Member.objects.count() == 3
    numbers = list(Member.objects.values_list("card_number", flat=True))
    assert all(numbers) and len(set(numbers)) == 3  # the reserved numbers, issued once each


def test_inside_a_batch_transaction_nothing_is_relaxed(tree, admin_user):
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        batches.admit_members_batch(admin_user, tree.gr_a1, new_members(tree))
    assert said(queries) == 0
    assert Member.objects.count() == 3
