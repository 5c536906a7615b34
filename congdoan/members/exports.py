"""Member lists out as .csv and .xlsx, streamed or written in bounded memory, and the
official roster layout per grassroots union. Identity numbers are masked; the files are
written by ``congdoan.common.exports``, so names and job titles never become formulas."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from congdoan.common import cccd
from congdoan.common.exports import csv_stream
from congdoan.common.exports import xlsx_file as write_xlsx_file
from congdoan.common.phone import display_phone
from congdoan.org import divisions

from .choices import EducationLevel, Ethnicity, Gender, MemberStatus, Qualification, Religion

VALUES = (
    "card_number",
    "full_name",
    "gender",
    "date_of_birth",
    "birth_year_only",
    "cccd",
    "ethnicity",
    "religion",
    "education_level",
    "qualification",
    "phone",
    "email",
    "permanent_street",
    "permanent_commune",
    "permanent_province",
    "current_street",
    "current_commune",
    "current_province",
    "unit__code",
    "unit__name",
    "job_title",
    "joined_on",
    "status",
    "status_since",
    "completeness",
)
CHUNK = 2000


def headers() -> list[str]:
    return [
        _("Card number"),
        _("Full name"),
        _("Gender"),
        _("Date of birth"),
        _("Citizen identity number"),
        _("Ethnicity"),
        _("Religion"),
        _("General education"),
        _("Professional qualification"),
        _("Phone"),
        _("Email"),
        _("Permanent address"),
        _("Current address"),
        _("Unit code"),
        _("Grassroots union"),
        _("Job title"),
        _("Joined the union on"),
        _("Status"),
        _("Status since"),
        _("Completeness (%)"),
    ]


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices.choices}


def rows(queryset, *, dates_as_text: bool) -> Iterator[list]:
    """One list per member, in the order of ``headers()``; the queryset is read in chunks."""
    gender, ethnicity, religion = _labels(Gender), _labels(Ethnicity), _labels(Religion)
    education, qualification, status = (
        _labels(EducationLevel),
        _labels(Qualification),
        _labels(MemberStatus),
    )

    def day(value):
        if value is None:
            return ""
        return value.strftime("%d/%m/%Y") if dates_as_text else value

    def address(street, commune, province):
        return ", ".join(
            p
            for p in (street, divisions.commune_name(commune), divisions.province_name(province))
            if p
        )

    for v in queryset.order_by().values_list(*VALUES).iterator(chunk_size=CHUNK):
        (
            card,
            name,
            g,
            dob,
            year_only,
            number,
            eth,
            rel,
            edu,
            qual,
            phone,
            email,
            p_street,
            p_commune,
            p_province,
            c_street,
            c_commune,
            c_province,
            unit_code,
            unit_name,
            job,
            joined,
            st,
            since,
            completeness,
        ) = v
        yield [
            card,
            name,
            gender.get(g, ""),
            # Only the year known: the year, never 1 January presented as a birthday.
            dob.year if dob and year_only else day(dob),
            cccd.mask(number),
            ethnicity.get(eth, ""),
            religion.get(rel, ""),
            education.get(edu, ""),
            qualification.get(qual, ""),
            display_phone(phone),
            email,
            address(p_street, p_commune, p_province),
            address(c_street, c_commune, c_province),
            unit_code,
            unit_name,
            job,
            day(joined),
            status.get(st, ""),
            day(since),
            completeness,
        ]


def csv_chunks(queryset) -> Iterator[str]:
    """The CSV text of ``queryset``'s members, chunk by chunk, for a streaming response."""
    return csv_stream(headers(), rows(queryset, dates_as_text=True))


def xlsx_file(queryset) -> IO[bytes]:
    """A temporary file holding the .xlsx (XlsxWriter constant_memory: one row in memory at a time)."""
    return write_xlsx_file(
        [(_("Members"), headers(), rows(queryset, dates_as_text=False))],
        widths={
            _("Members"): [
                14,
                28,
                8,
                12,
                15,
                10,
                10,
                14,
                16,
                14,
                24,
                36,
                36,
                14,
                36,
                20,
                12,
                14,
                12,
                8,
            ]
        },
    )


def roster_file(unit, queryset) -> IO[bytes]:
    """The roster of one grassroots union (danh sách đoàn viên): numbered, the columns officers print."""
    gender = _labels(Gender)
    header = [
        _("No."),
        _("Full name"),
        _("Date of birth (male)"),
        _("Date of birth (female)"),
        _("Ethnicity"),
        _("Job title"),
        _("Joined the union on"),
        _("Card number"),
        _("Notes"),
    ]
    ethnicity = _labels(Ethnicity)

    def lines():
        values = (
            "full_name",
            "gender",
            "date_of_birth",
            "birth_year_only",
            "ethnicity",
            "job_title",
            "joined_on",
            "card_number",
        )
        for n, (name, g, dob, year_only, eth, job, joined, card) in enumerate(
            queryset.order_by("name_folded", "id").values_list(*values).iterator(chunk_size=CHUNK),
            start=1,
        ):
            born = (str(dob.year) if year_only else dob.strftime("%d/%m/%Y")) if dob else ""
            male = born if g == Gender.MALE else ""
            female = born if g == Gender.FEMALE else ""
            if dob and not g:
                male = born
            yield [
                n,
                name,
                male,
                female,
                ethnicity.get(eth, ""),
                job,
                joined.strftime("%d/%m/%Y") if joined else "",
                card,
                "" if g in gender else _("gender missing"),
            ]

    titles = [
        unit.name.upper(),
        _("LIST OF UNION MEMBERS"),
        _("As of %(date)s") % {"date": datetime.date.today().strftime("%d/%m/%Y")},
    ]
    sheet = _("Roster")
    return write_xlsx_file(
        [(sheet, header, lines())],
        title_rows={sheet: titles},
        widths={sheet: [6, 30, 14, 14, 10, 24, 14, 16, 16]},
    )
