"""The admission form as an officer meets it: the unit from a list of their own units that take
members, communes that follow the province (htmx), capitalised Vietnamese labels in groups, the
phone shown as 0912 345 678, and an 11-digit identity number refused with "12 digits"."""

import pytest

from congdoan.members.models import Member

from .conftest import member_fields


def _page(client, **params):
    response = client.get("/members/new/", params)
    assert response.status_code == 200
    return response.content.decode()


def _post_data(**extra):
    fields = member_fields(7)
    data = {k: ("" if v is None else str(v)) for k, v in fields.items()}
    data.update(
        {
            "date_of_birth": fields["date_of_birth"].isoformat(),
            "joined_on": fields["joined_on"].isoformat(),
        }
    )
    data.update(extra)
    return data


def test_unit_list_holds_only_the_officers_units(tree, officer_a, client_for):
    body = _page(client_for(officer_a))
    datalist = body.split("<datalist", 1)[1].split("</datalist>", 1)[0]
    assert 'value="GR-A1"' in datalist and 'value="GR-A2"' in datalist
    assert "GR-B1" not in datalist  # the sibling subtree
    assert 'value="ZONE"' not in datalist  # takes no members itself
    assert 'list="id_unit_code-options"' in body


def test_a_unit_outside_the_list_is_a_field_message(tree, officer_a, client_for):
    response = client_for(officer_a).post("/members/new/", _post_data(unit_code="GR-B1"))
    assert response.status_code == 200
    assert "Hãy chọn một công đoàn cơ sở hoặc tổ công đoàn của bạn" in response.content.decode()
    assert not Member.objects.filter(full_name="Nguyễn Văn An 7").exists()


def test_admit_through_the_list(tree, officer_a, client_for):
    response = client_for(officer_a).post("/members/new/", _post_data(unit_code="gr-a2"))
    assert response.status_code == 302
    assert Member.objects.get(full_name="Nguyễn Văn An 7").unit == tree.gr_a2


def test_communes_follow_the_province(tree, officer_a, client_for):
    client = client_for(officer_a)
    body = _page(client)
    assert 'hx-get="/units/communes/"' in body and 'hx-target="#id_permanent_commune"' in body
    options = client.get("/units/communes/", {"permanent_province": "22"}).content.decode()
    assert options.startswith('<option value="">') and "Hạ Long" in options


def test_labels_groups_and_phone_hint(tree, officer_a, client_for):
    body = _page(client_for(officer_a))
    assert "Thường trú: tỉnh/thành phố" in body and ">thường trú" not in body
    assert "Họ và tên" in body
    for legend in ("Nhân thân", "Liên hệ", "Địa chỉ", "Công đoàn"):
        assert f">{legend}</legend>" in body
    assert "E.164" not in body and "0912 345 678" in body
    assert "---------" not in body  # blank choices read "—" like the province lists


def test_edit_form_shows_the_phone_as_people_write_it(tree, members, officer_a, client_for):
    body = client_for(officer_a).get(f"/members/{members.a1.pk}/edit/").content.decode()
    assert 'value="0912 300 001"' in body and "+84912300001" not in body


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("02209010000", "Số CCCD phải có 12 chữ số"),
        ("022090100", "chứng minh nhân dân cũ"),
    ],
)
def test_short_identity_numbers_are_refused(tree, officer_a, client_for, number, message):
    response = client_for(officer_a).post(
        "/members/new/", _post_data(unit_code="GR-A1", cccd=number)
    )
    assert response.status_code == 200 and message in response.content.decode()
