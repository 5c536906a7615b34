"""Numbering: registers (sổ) hand out numbers without gaps or repeats, and a number becomes
the document's symbol as Decree 30/2020 writes it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from congdoan.org.models import Unit

from ..models import DocumentType, Register


def take_number(
    *, unit: Unit, direction: str, year: int, doc_type: DocumentType | None, confidential: bool
) -> tuple[Register, int]:
    """The next number of a register, under a row lock: no gaps, no repeats.

    Must run inside the caller's transaction, so a failure later in the same operation gives
    the number back. On PostgreSQL the counter row is locked (SELECT … FOR UPDATE); SQLite
    serialises writers with IMMEDIATE transactions (settings.py).
    """
    lookup = {
        "unit": unit,
        "direction": direction,
        "year": year,
        "doc_type": doc_type,
        "confidential": confidential,
    }
    register = Register.objects.select_for_update().filter(**lookup).first()
    if register is None:
        try:
            with transaction.atomic():
                Register.objects.create(**lookup)
        except IntegrityError:
            pass  # created by a concurrent transaction: read it below
        register = Register.objects.select_for_update().get(**lookup)
    number = register.next_number
    Register.objects.filter(pk=register.pk).update(next_number=F("next_number") + 1)
    register.next_number = number + 1
    return register, number


def format_number_symbol(
    number: int, doc_type: DocumentType, unit: Unit, department: str = ""
) -> str:
    """``05/QĐ-LĐLĐ``; an official letter (no type abbreviation) ``12/LĐLĐ-TC`` (DOMAIN.md)."""
    issuer = (unit.abbreviation or unit.code).replace(" ", "")
    if doc_type.abbreviation:
        return f"{number:02d}/{doc_type.abbreviation}-{issuer}"
    return f"{number:02d}/{issuer}" + (f"-{department.strip()}" if department.strip() else "")
