"""Dashboards tell "no data yet" apart from a real 0, and charts say what they draw."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from congdoan.indicators import services, snapshots
from congdoan.indicators.labels import short_names
from congdoan.indicators.registry import Indicator, Kind
from congdoan.members.models import Member
from congdoan.org.choices import Role, UnitKind
from congdoan.org.models import Unit
from congdoan.skills.models import Course, Enrolment, TrainingSession
from tests.conftest import make_unit, make_user

IND = "test.foreign_workers"


def _chart(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


@pytest.fixture
def figures(tree, admin_user, test_indicators):
    Unit.objects.filter(pk=tree.gr_a1.pk).update(worker_count=59, ownership="foreign_invested")
    Unit.objects.filter(pk=tree.gr_a2.pk).update(worker_count=141)
    snapshots.refresh()
    services.set_target(admin_user, tree.prov, IND, 80, date(2030, 12, 31))
    return tree


def test_a_count_with_a_base_has_no_value_without_it():
    ind = Indicator(
        code="x.y", name="X", kind=Kind.COUNT, compute=list, base_label="officers identified"
    )
    assert ind.value(0, 0) is None  # nobody to count among: no data
    assert ind.value(0, 3) == 0.0  # three officers, none trained: a real 0
    plain = Indicator(code="x.z", name="Z", kind=Kind.COUNT, compute=list)
    assert plain.value(0, 0) == 0.0


def test_officers_trained_is_no_data_where_no_officer_is_known(tree, admin_user, client_for):
    """The registry has no officer flag: officers are members matched to a role holder's
    e-mail. Where none matches, the figure is "no data yet", not 0 (it was 0 everywhere)."""
    officer = make_user("zone_officer", tree.zone, Role.OFFICER)
    Member.objects.create(
        unit=tree.gr_a1, full_name="Lê Văn Cán", card_number="OFF1", email=officer.email
    )
    snapshots.refresh()
    client = client_for(admin_user)
    zone = client.get("/indicators/ZONE/?i=skills.officers_trained")
    card = next(c for c in zone.context["cards"] if c.indicator.code == "skills.officers_trained")
    assert (card.numerator, card.denominator, card.value) == (0, 1, 0.0)  # one known, untrained
    ward = client.get("/indicators/WARD/?i=skills.officers_trained")
    card = next(c for c in ward.context["cards"] if c.indicator.code == "skills.officers_trained")
    assert card.value is None
    body = ward.content.decode()
    assert 'data-testid="no-data"' in body and "chưa có dữ liệu" in body
    # once the officer completes a course, the zone counts 1
    today = timezone.localdate()
    course = Course.objects.create(unit=tree.zone, code="C1", title="VNeID", target_step=2)
    session = TrainingSession.objects.create(
        code="S1", course=course, unit=tree.zone, starts_on=today, ends_on=today, status="closed"
    )
    Enrolment.objects.create(
        session=session,
        member=Member.objects.get(card_number="OFF1"),
        source="officer",
        status="completed",
        completed_on=timezone.localdate(),
    )
    snapshots.refresh()
    zone = client.get("/indicators/ZONE/")
    card = next(c for c in zone.context["cards"] if c.indicator.code == "skills.officers_trained")
    assert (card.numerator, card.denominator, card.value) == (1, 1, 1.0)


def test_series_chart_says_dates_name_and_targets(figures, admin_user, client_for):
    data = _chart(client_for(admin_user).get(f"/indicators/PROV/?i={IND}"))
    today = timezone.localdate()
    assert data["labels"][-1] == today.strftime("%d/%m/%Y")  # not 2026-12-02
    assert data["series_label"] == "Workers at foreign-invested units"
    assert [t["label"] for t in data["targets"]] == ["Chỉ tiêu 80 % đến 31/12/2030"]
    assert data["children"]["target"] == 80.0


def test_grassroots_union_without_sub_units_says_so(figures, admin_user, client_for):
    response = client_for(admin_user).get(f"/indicators/GR-A1/?i={IND}")
    body = response.content.decode()
    assert 'data-testid="ranking-empty"' in body and 'id="children-chart"' not in body


def test_sub_units_without_data_are_not_drawn_as_zeros(figures, admin_user, client_for):
    # union groups: members and workers are recorded on their grassroots union
    make_unit(figures.gr_a1, "GR-A1-T1", "Tổ công đoàn Phân xưởng 1", UnitKind.UNION_GROUP)
    make_unit(figures.gr_a1, "GR-A1-T2", "Tổ công đoàn Phân xưởng 2", UnitKind.UNION_GROUP)
    snapshots.refresh()
    client = client_for(admin_user)
    for ind in (IND, "test.workers"):
        response = client.get(f"/indicators/GR-A1/?i={ind}")
        body = response.content.decode()
        assert 'data-testid="ranking-empty"' in body, ind
        assert 'id="children-chart"' not in body
        assert body.count("chưa có dữ liệu") >= 2  # each group's row
        assert _chart(response)["children"]["labels"] == []


def test_chart_labels_are_short_and_distinct():
    names = [
        "Công đoàn phường Hạ Long",
        "Công đoàn phường Bãi Cháy",
        "Công đoàn ngành Giáo dục tỉnh Quảng Ninh",
        "Công đoàn các Khu công nghiệp tỉnh Quảng Ninh",
        "Công đoàn cơ sở Công ty TNHH Vận tải biển Hạ Long Xanh",
    ]
    short = short_names(names, "Liên đoàn Lao động tỉnh Quảng Ninh")
    assert short == [
        "CĐ phường Hạ Long",
        "CĐ phường Bãi Cháy",
        "CĐ ngành Giáo dục",
        "CĐ các KCN",
        "CĐCS Cty TNHH Vận tải biển Hạ Long Xanh",
    ]
    assert len(set(short)) == len(short)


def test_chart_keeps_full_names_for_tooltips(figures, admin_user, client_for):
    data = _chart(client_for(admin_user).get(f"/indicators/PROV/?i={IND}"))
    children = data["children"]
    assert children["names"] == [figures.zone.name]  # WARD has no workers: not drawn
    assert len(children["labels"]) == len(children["names"])


def test_export_leaves_no_data_blank(tree, admin_user, client_for):
    snapshots.refresh()
    response = client_for(admin_user).get("/indicators/PROV/export.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    header = next(r for r in rows if "Mã" in r or "Code" in r)
    column = next(i for i, h in enumerate(header) if "bồi dưỡng" in str(h) and "Cán bộ" in str(h))
    units = [r for r in rows[rows.index(header) + 1 :] if r and r[0]]
    assert units and all(r[column] in ("", None) for r in units)  # not 0
