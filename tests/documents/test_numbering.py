"""Register numbers: no gaps, no repeats, restart each year, separate confidential registers."""

import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection, connections, transaction

from congdoan.documents.choices import Direction
from congdoan.documents.models import DocumentType, Register
from congdoan.documents.services import format_number_symbol, take_number


def _take(unit, doc_type, year=2026, confidential=False):
    return take_number(
        unit=unit,
        direction=Direction.OUTGOING,
        year=year,
        doc_type=doc_type,
        confidential=confidential,
    )[1]


def test_sequential_numbers_are_gap_free_even_after_a_failed_issue(tree, doc_type):
    with transaction.atomic():
        assert _take(tree.prov, doc_type) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        _take(tree.prov, doc_type)
        raise RuntimeError("signing failed")  # the number is given back with the rollback
    with transaction.atomic():
        assert _take(tree.prov, doc_type) == 2
        assert _take(tree.prov, doc_type) == 3


def test_numbers_restart_each_year_and_per_type_and_confidential(tree, doc_type, letter_type):
    with transaction.atomic():
        assert [_take(tree.prov, doc_type) for _ in range(3)] == [1, 2, 3]
        assert _take(tree.prov, doc_type, year=2027) == 1
        assert _take(tree.prov, letter_type) == 1
        assert _take(tree.prov, doc_type, confidential=True) == 1
        assert _take(tree.zone, doc_type) == 1
    assert Register.objects.count() == 5


def test_symbol_format(tree, doc_type, letter_type):
    assert format_number_symbol(5, doc_type, tree.prov) == "05/QĐ-LĐLĐ"
    assert format_number_symbol(12, letter_type, tree.prov, "TC") == "12/LĐLĐ-TC"
    assert format_number_symbol(125, letter_type, tree.prov) == "125/LĐLĐ"
    plan = DocumentType.objects.get(code="ke-hoach")
    assert format_number_symbol(3, plan, tree.prov) == "03/KH-LĐLĐ"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip(
            "threads need a shared server database: run with DATABASE_URL=postgres://… "
            "(SQLite serialises writers with IMMEDIATE transactions; see the sequential test)"
        )
    from tests.conftest import Tree

    # The seeded types: an earlier transactional test has flushed them (the seed is
    # get_or_create).
    seed_module = import_module("congdoan.documents.migrations.0002_seed_document_types")
    seed_module.seed(django_apps, None)
    tree = Tree()
    doc_type = DocumentType.objects.get(code="quyet-dinh")
    taken: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def issuer():
        try:
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    taken.append(_take(tree.prov, doc_type))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(taken) == list(range(1, 61))
