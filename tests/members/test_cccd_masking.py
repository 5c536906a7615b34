"""The member edit page never shows the stored identity number; the full number is only seen
through the logged reveal (the same as on the detail page), and a form sent without touching
the field keeps the number. Admission still takes a full number. The rejected rows of an
import hand full numbers out: only to officers who may reveal them, and logged."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.common import cccd
from congdoan.members import importing, services
from congdoan.members.models import CccdView, Member
from congdoan.org.choices import Role
from tests.conftest import make_user

from .conftest import member_fields

NEW_NUMBER = cccd.make("022", "male", 1990, 654321)


class _FormFields(HTMLParser):
    """What a browser would send for each ``<form>`` of a page, as it is rendered."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif tag == "option":
            if self._select and "selected" in a:
                self.forms[-1][self._select] = a.get("value") or ""
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1][a["name"]] = a.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1][a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data


def edit_form_data(html: str) -> dict[str, str]:
    """The member form of the edit page (the one with the hidden ``version``), as sent untouched."""
    parser = _FormFields()
    parser.feed(html)
    (form,) = [f for f in parser.forms if "version" in f]
    return form


@pytest.fixture
def page(members, officer_a, client_for, settings):
    """The edit page of a1 for officer_a, in English (the language switch's cookie)."""
    client = client_for(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/members/{members.a1.pk}/edit/")
    assert response.status_code == 200
    return client, response.content.decode()


def test_edit_page_shows_the_number_masked_and_logs_nothing(members, page):
    _client, html = page
    assert members.a1.cccd not in html
    assert members.a1.cccd_masked in html
    assert edit_form_data(html)["cccd"] == ""
    assert "Leave empty to keep it" in html
    assert not CccdView.objects.exists()


def test_edit_page_reveal_is_the_logged_reveal_of_the_detail_page(members, officer_a, page):
    client, html = page
    url = f"/members/{members.a1.pk}/cccd/"
    assert f'hx-post="{url}"' in html
    assert members.a1.cccd in client.post(url).content.decode()
    assert CccdView.objects.filter(member=members.a1, viewer=officer_a).count() == 1


def test_the_revealed_number_is_not_cached(members, officer_a, client_for):
    response = client_for(officer_a).post(f"/members/{members.a1.pk}/cccd/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_saving_without_touching_the_field_keeps_the_number(members, page):
    client, html = page
    data = edit_form_data(html)
    data["job_title"] = "Tổ trưởng"
    response = client.post(f"/members/{members.a1.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    member = Member.objects.get(pk=members.a1.pk)
    assert (member.cccd, member.job_title, member.version) == (members.a1.cccd, "Tổ trưởng", 2)


def test_typing_a_new_number_changes_it(members, page):
    client, html = page
    data = edit_form_data(html)
    data["cccd"] = NEW_NUMBER
    response = client.post(f"/members/{members.a1.pk}/edit/", data)
    assert response.status_code == 302
    assert Member.objects.get(pk=members.a1.pk).cccd == NEW_NUMBER


def test_the_number_can_be_removed_on_purpose(members, page):
    client, html = page
    data = edit_form_data(html)
    data["cccd_clear"] = "on"
    assert client.post(f"/members/{members.a1.pk}/edit/", data).status_code == 302
    assert Member.objects.get(pk=members.a1.pk).cccd == ""


def test_removing_and_typing_a_number_at_once_is_refused(members, page):
    client, html = page
    data = edit_form_data(html)
    data.update(cccd=NEW_NUMBER, cccd_clear="on")
    response = client.post(f"/members/{members.a1.pk}/edit/", data)
    assert response.status_code == 200
    assert Member.objects.get(pk=members.a1.pk).cccd == members.a1.cccd


def test_a_validation_error_elsewhere_does_not_echo_the_stored_number(members, page):
    client, html = page
    data = edit_form_data(html)
    data["email"] = "not-an-address"
    response = client.post(f"/members/{members.a1.pk}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "valid email" in body
    assert members.a1.cccd not in body and members.a1.cccd_masked in body


def test_a_wrong_new_number_is_reported_without_the_stored_one(members, page):
    client, html = page
    data = edit_form_data(html)
    data["cccd"] = "12345"
    body = client.post(f"/members/{members.a1.pk}/edit/", data).content.decode()
    assert "12 digits" in body and members.a1.cccd not in body
    assert Member.objects.get(pk=members.a1.pk).cccd == members.a1.cccd


def test_conflict_keeps_the_other_officers_new_number_and_shows_it_masked(
    members, grassroots_a, page
):
    client, html = page
    data = edit_form_data(html)
    services.update_member(grassroots_a, members.a1, version=1, cccd=NEW_NUMBER)
    data["job_title"] = "Kỹ sư"
    response = client.post(f"/members/{members.a1.pk}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="edit-conflict"' in body
    assert NEW_NUMBER not in body and members.a1.cccd not in body
    assert cccd.mask(NEW_NUMBER) in body
    # Saved again after review: the job title is this officer's, the number the other's.
    response = client.post(f"/members/{members.a1.pk}/edit/", edit_form_data(body))
    assert response.status_code == 302
    member = Member.objects.get(pk=members.a1.pk)
    assert (member.cccd, member.job_title) == (NEW_NUMBER, "Kỹ sư")


def test_edit_page_speaks_vietnamese_by_default(members, officer_a, client_for):
    html = client_for(officer_a).get(f"/members/{members.a1.pk}/edit/").content.decode()
    assert "Để trống để giữ nguyên" in html and "Xoá số đã ghi" in html


def test_admission_still_takes_a_full_number(tree, officer_a, client_for, settings):
    client = client_for(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/members/new/", {"unit": "GR-A1"}).content.decode()
    assert "Leave empty to keep it" not in html and 'name="cccd_clear"' not in html
    data = {
        k: v
        for k, v in member_fields(7, cccd=NEW_NUMBER).items()
        if k not in ("date_of_birth", "joined_on")
    }
    data.update(unit_code="GR-A1", date_of_birth="1990-05-17", joined_on="2015-03-01")
    response = client.post("/members/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(full_name=data["full_name"]).cccd == NEW_NUMBER


# --- the rejected rows of an import -------------------------------------------------------------
@pytest.fixture
def rejected_job(members, admin_user, settings, tmp_path):
    """An import (by the federation) whose rejected row carries a1's full number."""
    settings.MEDIA_ROOT = tmp_path / "media"
    text = f"Họ và tên,Ngày sinh,Số CCCD,Email\nNguyễn Văn An,17/05/1990,{members.a1.cccd},x@\n"
    upload = SimpleUploadedFile("ds.csv", text.encode())
    job = importing.start_job(admin_user, members.a1.unit, upload, dry_run=True)
    assert job.rejected == 1
    return job


def test_rejected_rows_are_logged_as_a_disclosure(members, rejected_job, officer_a, client_for):
    response = client_for(officer_a).get(f"/members/imports/{rejected_job.pk}/rejected.xlsx")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    b"".join(response.streaming_content)
    assert list(CccdView.objects.values_list("member_id", "viewer_id")) == [
        (members.a1.pk, officer_a.pk)
    ]


def test_rejected_rows_need_the_right_to_reveal(tree, rejected_job, client_for):
    viewer = make_user("viewer", tree.zone, Role.VIEWER)
    response = client_for(viewer).get(f"/members/imports/{rejected_job.pk}/rejected.xlsx")
    assert response.status_code == 403
    assert not CccdView.objects.exists()


def test_api_conflict_shows_the_other_officers_number_masked(
    members, grassroots_a, officer_a, api_client_for
):
    services.update_member(grassroots_a, members.a1, version=1, cccd=NEW_NUMBER)
    response = api_client_for(officer_a).patch(
        f"/api/v1/members/{members.a1.pk}",
        {"version": 1, "job_title": "Kỹ sư"},
        content_type="application/json",
    )
    body = response.content.decode()
    assert response.status_code == 409 and cccd.mask(NEW_NUMBER) in body
    assert NEW_NUMBER not in body and members.a1.cccd not in body
