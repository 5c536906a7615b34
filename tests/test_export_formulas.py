"""Every .csv and .xlsx the project hands out, fed names that are formulas (CSV / formula
injection): in .xlsx they must be text cells and nothing in the file a formula or a link; in
.csv they must start with a quote. A meta-test fails when an export route is not listed here.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from congdoan.common import cccd
from congdoan.members import services as member_services
from congdoan.members.models import ImportJob
from congdoan.org.choices import UnitKind
from congdoan.skills.models import Competence, DigitalSkillsDefinition
from tests.conftest import make_unit
from tests.xlsx_cells import cells, has_live_content

EVIL = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def evil(tree, admin_user):
    """Members of GR-A1 whose names and job titles are formulas, and units named like them."""
    for n, name in enumerate(EVIL):
        member_services.admit_member(
            admin_user,
            tree.gr_a1,
            full_name=name,
            job_title=name,
            gender="female",
            date_of_birth=datetime.date(1995, 1, 2),
            cccd=cccd.make("022", "female", 1995, 300000 + n),
        )
        make_unit(tree.prov, f"EVIL-{n}", name, UnitKind.GRASSROOTS_UNION)
    definition = DigitalSkillsDefinition.objects.create(
        unit=tree.prov, name="Kỹ năng số", min_step=2, valid_from=datetime.date(2025, 1, 1)
    )
    definition.competences.set(Competence.objects.filter(version__is_current=True)[:3])
    return tree


def _rejected_rows_url(client) -> str:
    # The officer's own cells come back in the file of rejected rows: identity numbers that
    # cannot be right make every row rejected.
    lines = ["Họ và tên,Giới tính,Ngày sinh,Số CCCD"]
    lines += [
        f'"{name.replace(chr(34), chr(34) * 2)}",Nữ,02/01/1995,12{n}' for n, name in enumerate(EVIL)
    ]
    upload = SimpleUploadedFile("ds.csv", "\n".join(lines).encode("utf-8"))
    response = client.post("/members/imports/", {"unit_code": "GR-A1", "file": upload})
    assert response.status_code == 302, response.content[:500]
    job = ImportJob.objects.get()
    assert job.rejected == len(EVIL), job.errors
    return f"/members/imports/{job.pk}/rejected.xlsx"


@dataclass(frozen=True)
class Export:
    id: str
    url: Callable  # client -> URL (some exports need a record made first)
    route: str  # the URL pattern it is served by (for the coverage meta-test)
    fmt: str


def _fixed(url: str) -> Callable:
    return lambda _client: url


EXPORTS = [
    Export("members-csv", _fixed("/members/export.csv"), "members/export.csv", "csv"),
    Export("members-xlsx", _fixed("/members/export.xlsx"), "members/export.xlsx", "xlsx"),
    Export(
        "members-roster",
        _fixed("/members/roster/GR-A1.xlsx"),
        "members/roster/<str:code>.xlsx",
        "xlsx",
    ),
    Export(
        "members-import-rejected",
        _rejected_rows_url,
        "members/imports/<int:pk>/rejected.xlsx",
        "xlsx",
    ),
    Export(
        "skills-leave-behind-csv",
        _fixed("/skills/units/PROV/leave-no-one-behind/?format=csv"),
        "skills/units/<str:code>/leave-no-one-behind/",
        "csv",
    ),
    Export(
        "skills-leave-behind-xlsx",
        _fixed("/skills/units/PROV/leave-no-one-behind/?format=xlsx"),
        "skills/units/<str:code>/leave-no-one-behind/",
        "xlsx",
    ),
    Export(
        "indicators-xlsx",
        _fixed("/indicators/PROV/export.xlsx"),
        "indicators/<str:code>/export.xlsx",
        "xlsx",
    ),
]


def _body(response) -> bytes:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.id)
def test_formula_names_are_text_in_every_export(export, evil, admin_user, client_for):
    client = client_for(admin_user)
    data = _body(client.get(export.url(client)))
    if export.fmt == "csv":
        values = {v for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for v in row}
        for name in EVIL:
            assert "'" + name in values and name not in values, name
    else:
        assert has_live_content(data) == []
        texts = {c.value for c in cells(data) if c.kind == "text"}
        for name in EVIL:
            assert name in texts, name


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def test_every_download_route_is_checked_above():
    """A new route ending in .csv or .xlsx must be added to EXPORTS."""
    downloads = {r for r in _routes(get_resolver().url_patterns) if r.endswith((".csv", ".xlsx"))}
    assert downloads <= {e.route for e in EXPORTS}
