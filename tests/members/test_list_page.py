"""The member list as officers read it: an honest count (exact, or "about" an estimate), labelled
filters, former members hidden unless asked for, every page reachable through a translated pager."""

import pytest
from django.db import connection

from congdoan.common import db
from congdoan.members import queries, services


@pytest.fixture
def six(tree, make_member):
    return [make_member(tree.gr_a1, n + 1, full_name=f"Hoàng Văn An {n}") for n in range(6)]


def _body(client, **params):
    response = client.get("/members/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_count_is_exact_past_the_cap_where_counting_is_cheap(
    six, admin_user, client_for, monkeypatch
):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: None)  # SQLite: no estimate
    body = _body(client_for(admin_user))
    assert "6 đoàn viên" in body and "hơn" not in body


def test_count_past_the_cap_is_an_estimate_said_as_about(six, admin_user, client_for, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: 59381)
    body = _body(client_for(admin_user))
    assert "khoảng 59.000 đoàn viên" in body and "hơn" not in body
    client = client_for(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    assert "about 59,000 members" in _body(client)


def test_pages_past_the_cap_are_reachable(six, admin_user, client_for, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(db, "planner_estimate", lambda qs: None)
    client = client_for(admin_user)
    body = _body(client, per_page=1, page=5)
    assert "page=6" in body  # the last page is linked
    assert "Trang sau" in body and "Trang trước" in body
    pager = body.split('aria-label="Chuyển trang"', 1)[1].split("</nav>")[0]
    assert ">next" not in pager and "previous<" not in pager.replace(" ", "")


def test_page_numbers_are_grouped(six, admin_user, client_for, monkeypatch):
    monkeypatch.setattr(db, "planner_estimate", lambda qs: 1_500_000)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    body = _body(client_for(admin_user), per_page=1)
    assert ">1.500.000</a>" in body


def test_former_members_hidden_unless_asked_for(tree, members, admin_user, client_for):
    services.leave(admin_user, members.a2, "Nghỉ việc")
    client = client_for(admin_user)
    assert "Trần Thị Hoà" not in _body(client)
    assert "Trần Thị Hoà" in _body(client, status="all")
    assert "Trần Thị Hoà" in _body(client, status="left")
    assert "Nguyễn Văn An" in _body(client, status="all")


def test_filters_have_labels(members, admin_user, client_for):
    body = _body(client_for(admin_user))
    for field, label in [
        ("status", "Trạng thái"),
        ("gender", "Giới tính"),
        ("unit", "Đơn vị"),
        ("q", "Tìm"),
    ]:
        assert f'for="id_{field}">{label}</label>' in body, field
    assert "Đoàn viên hiện tại" in body  # the blank status: current members


def test_count_rows_exact_then_estimated(six, monkeypatch):
    from congdoan.members.models import Member

    assert db.count_rows(Member.objects.all(), 10) == (6, True)
    n, exact = db.count_rows(Member.objects.all(), 3)
    if connection.vendor == "postgresql":
        assert not exact and n >= 4  # the planner's figure, never below the cap
    else:
        assert (n, exact) == (6, True)
