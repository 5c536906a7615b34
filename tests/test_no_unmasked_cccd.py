"""No page, file or API answer shows a member's full identity number (CCCD) unless the access
log (``CccdView``) says that this user was given it.

An officer opens every page of the project: each named route without arguments, and each
route with arguments through the builders every app declares for its scoping test
(``tests/<app>/test_scoping.py``, kept complete by ``tests/test_route_coverage.py``), filled
from objects of every app made here; then every GET operation of the OpenAPI document. Every
answer (HTML, JSON, CSV, the XML inside .xlsx, the HTML behind a PDF, headers) is searched for
the number of any member, current or in the history; a number found must be logged for this
user by that request. A self-check fails when a route was not visited.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import tests
from congdoan.common import cccd
from congdoan.members import importing
from congdoan.members import services as member_services
from congdoan.members.models import CccdView, Member
from congdoan.org.choices import Role, UnitKind
from congdoan.skills import certificates
from tests.conftest import make_unit, make_user
from tests.documents import conftest as document_fixtures
from tests.documents.conftest import draft, sample_pdf
from tests.members.conftest import member_fields
from tests.skills import conftest as skill_fixtures

# The skills and documents tests' fixtures, used here by name.
course, session, assessment = (
    skill_fixtures.course,
    skill_fixtures.session,
    skill_fixtures.assessment,
)
competences = skill_fixtures.competences
doc_type, pki_ready = document_fixtures.doc_type, document_fixtures.pki_ready

# Named routes not opened, with the reason.
NOT_OPENED = {
    "account_logout": "ends the session the walk runs in",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(
    tree,
    admin_user,
    officer_a,
    zone_admin,
    course,
    session,
    assessment,
    competences,
    doc_type,
    pki_ready,
):
    """Objects of every app inside ZONE, with the attributes the ``ROUTES`` builders use."""
    from congdoan.documents import services as document_services
    from congdoan.indicators.models import Target
    from congdoan.knowledge import services as knowledge_services
    from congdoan.notifications import services as notification_services
    from congdoan.org.models import RoleAssignment
    from congdoan.skills import services as skill_services
    from congdoan.skills.choices import CheckInMethod
    from congdoan.skills.models import (
        Campaign,
        CompetenceArea,
        DigitalSkillsDefinition,
        TrainingPlan,
    )

    t = tree

    def admit(unit, n, **extra):
        return member_services.admit_member(admin_user, unit, **member_fields(n, **extra))

    t.member = admit(t.gr_a1, 1)
    t.member2 = admit(t.gr_a1, 2, full_name="Trần Thị Hoà", gender="female", year=2001)
    admit(t.gr_a1, 5, full_name="Nguyễn Văn An")  # a likely duplicate of t.member
    admit(t.gr_a2, 4, full_name="Phạm Văn Bình")
    admit(t.gr_b1, 3, full_name="Lê Văn Đức")
    # A corrected number: the old one stays in the history (and its diff).
    t.member = member_services.update_member(
        admin_user, t.member, version=1, cccd=cccd.make("022", "male", 1990, 200001)
    )
    # An import by someone else whose rejected row carries t.member's full number.
    csv = f"Họ và tên,Ngày sinh,Số CCCD,Email\nNguyễn Văn An,17/05/1990,{t.member.cccd},x@\n"
    t.job = importing.start_job(
        admin_user, t.gr_a1, SimpleUploadedFile("ds.csv", csv.encode()), dry_run=True
    )
    assert t.job.rejected == 1
    other = make_unit(None, "PROV2", "LĐLĐ khác", UnitKind.PROVINCIAL_FEDERATION)
    upper = make_unit(other, "P2-Z", "CĐ KCN", UnitKind.INDUSTRIAL_ZONE_UNION)
    far = make_unit(upper, "P2-GR", "CĐCS khác", UnitKind.GRASSROOTS_UNION)
    make_user("p2_officer", far, Role.OFFICER)
    t.transfer = member_services.transfer_member(officer_a, t.member2, far)

    skill_services.enrol_members(officer_a, session, [t.member.pk])
    skill_services.check_in(session, t.member, method=CheckInMethod.QR_ACCOUNT)
    skill_services.close_session(officer_a, session)
    t.session, t.course, t.assessment = session, course, assessment
    t.enrolment = session.enrolments.get(member=t.member)
    t.record = t.member.skill_records.first()
    t.certificate = t.member.skill_certificates.get()
    t.competence = competences["1.1"]
    t.area = CompetenceArea.objects.get(version__is_current=True, code="1")
    t.definition = DigitalSkillsDefinition.objects.create(
        unit=t.zone, name="ZONE", valid_from="2025-01-01"
    )
    t.definition.competences.set([t.competence])
    t.campaign = Campaign.objects.create(
        unit=t.zone,
        name="BDHVS",
        starts_on="2025-03-01",
        ends_on="2027-12-31",
        definition=t.definition,
    )
    t.plan = TrainingPlan.objects.create(
        unit=t.gr_a1,
        title="Kế hoạch",
        starts_on="2026-01-01",
        ends_on="2026-06-30",
        planned_count=40,
    )

    t.doc = draft(officer_a, t.zone, doc_type, attachments=(("phu-luc.pdf", sample_pdf()),))
    t.attachment = t.doc.attachments.get()
    t.entry = document_services.register_paper_document(
        zone_admin,
        t.gr_a1,
        sender="Sở Lao động",
        doc_type=doc_type,
        summary="Về an toàn lao động",
        scan=("scan.pdf", sample_pdf()),
    )
    t.cert = pki_ready["zone_admin"]
    t.zone_role = RoleAssignment.objects.get(user=zone_admin)
    t.zone_target = Target.objects.create(
        indicator="members.complete_data", unit=t.zone, value=70, deadline="2030-12-31"
    )
    # A notification naming a member, for the notifications' list, bell and API.
    [t.notification] = notification_services.notify(
        officer_a, "notifications.test", t.member.full_name, url=f"/members/{t.member.pk}/"
    )
    # An article of the zone with an attachment, for the knowledge pages and API.
    t.art_zone = knowledge_services.create_article(
        zone_admin,
        t.zone,
        title="Phúc lợi khu công nghiệp",
        body=t.member.full_name,
        topic="welfare",
        status="published",
    )
    t.attachment = knowledge_services.add_attachment(
        zone_admin, t.art_zone, SimpleUploadedFile("huong-dan.pdf", sample_pdf())
    )
    return t


# --- what is searched --------------------------------------------------------------------------
class _HtmlAsPdf:
    """Stands in for WeasyPrint's ``HTML`` during the walk: the "PDF" is the HTML it was given,
    so the search reads what would be printed (WeasyPrint writes compressed streams with
    subset fonts, where a number cannot be searched)."""

    def __init__(self, *args, string: str = "", **kwargs):
        self.string = string

    def write_pdf(self, *args, **kwargs) -> bytes:
        return b"%PDF-1.7\n" + self.string.encode()


_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s.\-\u00a0]+(?=\d)")


def member_numbers() -> dict[str, set[int]]:
    """Every number a member has or had, with the members holding it."""
    numbers: dict[str, set[int]] = {}
    for model in (Member, Member.history.model):
        for number, member_id in model.objects.exclude(cccd="").values_list("cccd", "id"):
            numbers.setdefault(number, set()).add(member_id)
    return numbers


def response_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    # close() releases a FileResponse's file but also sends request_finished, whose
    # close_old_connections would drop the test's PostgreSQL connection mid-transaction (the
    # test client disconnects it around its own requests; do the same here).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    if data.startswith(b"PK"):  # .xlsx: a zip of XML parts
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"\n".join(archive.read(name) for name in archive.namelist())
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + data.decode("utf-8", "replace")


def numbers_shown(numbers, text: str) -> set[str]:
    """Numbers in ``text``, also written with separators or without the leading zero (as a
    spreadsheet stores a number)."""
    squeezed = _BETWEEN_DIGITS.sub("", text)
    return {n for n in numbers if n.lstrip("0") in text or n.lstrip("0") in squeezed}


class Walk:
    """GETs pages as ``user`` and keeps every number shown that the request did not log."""

    def __init__(self, user, numbers):
        self.user, self.numbers = user, numbers
        self.leaks: list[str] = []
        self.visited: set[str] = set()

    def get(self, client, url: str, headers: dict | None = None) -> None:
        last_view = CccdView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url, headers=headers)
        match = resolve(url.split("?")[0])
        self.visited.add(match.view_name if match.url_name else match.route)
        shown = numbers_shown(self.numbers, response_text(response))
        logged = set(
            CccdView.objects.filter(viewer=self.user, pk__gt=last_view).values_list(
                "member_id", flat=True
            )
        )
        for number in sorted(shown):
            if not self.numbers[number] & logged:
                self.leaks.append(f"{url} ({response.status_code}) shows {number}")


# --- which pages -------------------------------------------------------------------------------
def _named_routes(resolver=None, namespace=""):
    """(full name, takes arguments) of every named route outside the API."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "api":
                continue
            yield from _named_routes(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", bool(entry.pattern.regex.groups)


def _declared_routes():
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".test_scoping"):
            yield from getattr(importlib.import_module(module.name), "ROUTES", [])


def page_urls(t) -> list[str]:
    from congdoan.indicators import registry

    urls = [
        reverse(name)
        for name, takes_args in sorted(set(_named_routes()))
        if not takes_args and name not in NOT_OPENED
    ]
    urls += [route.build(t) for route in _declared_routes()]  # their POST routes too, by GET
    urls += [
        f"/skills/checkin/{t.session.checkin_token}/",
        reverse("skills:verify_certificate", args=[t.certificate.number]),
        "/members/new/?unit=GR-A1",
        "/members/?q=nguyen+van+an",
        "/members/?status=",
        f"/skills/sessions/{t.session.pk}/enrol/?q=an",
        reverse("accounts:revoke_token", args=[0]),
    ]
    for indicator in registry.all_indicators():
        for part, _label in indicator.parts:
            urls.append(f"/indicators/ZONE/{indicator.code}/records/?part={part}")
    urls += [f"/members/{pk}/" for pk in Member.objects.values_list("pk", flat=True)]
    return list(dict.fromkeys(urls))


def api_urls(t) -> list[str]:
    from congdoan.api import api

    values = {
        "member_id": t.member.pk,
        "job_id": t.job.pk,
        "request_id": t.transfer.pk,
        "session_id": t.session.pk,
        "number": t.certificate.number,
        "pk": t.doc.pk,
        "article_id": t.art_zone.pk,
        "token_id": 0,
    }
    urls = ["/api/v1/", "/api/v1/openapi.json", "/api/v1/docs"]
    for template, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        indicators = template.startswith("/api/v1/indicators")
        fill = dict(values, code="members.complete_data" if indicators else "ZONE")
        url = re.sub(r"\{(\w+)\}", lambda m, fill=fill: str(fill[m.group(1)]), template)
        urls.append(url + ("?unit=ZONE" if indicators else "?limit=100"))
    urls += [f"/api/v1/members/{pk}" for pk in Member.objects.values_list("pk", flat=True)]
    urls += [f"/api/v1/members?{urlencode({'q': q})}" for q in (t.member.full_name, t.member.cccd)]
    return urls


@pytest.mark.parametrize("who", ["officer_a", "admin_user"])
def test_no_page_file_or_api_answer_shows_an_unlogged_cccd(
    who, world, request, client_for, api_client_for, monkeypatch
):
    import weasyprint

    user = request.getfixturevalue(who)
    walk = Walk(user, member_numbers())
    monkeypatch.setattr(weasyprint, "HTML", _HtmlAsPdf)
    # The stand-in "PDF" cannot carry a signature; a seal adds no personal data to search.
    monkeypatch.setattr(certificates, "seal", lambda certificate, pdf: pdf)
    client = client_for(user)
    for url in page_urls(world):
        walk.get(client, url)
    walk.get(client, "/members/", headers={"HX-Request": "true", "HX-Target": "member-table"})
    api = api_client_for(user)
    for url in api_urls(world):
        walk.get(api, url)

    assert not walk.leaks, "full identity numbers shown without a log entry:\n" + "\n".join(
        walk.leaks
    )
    # Routes with arguments of allauth and the admin take keys and objects of theirs.
    expected = {
        name
        for name, takes_args in _named_routes()
        if not takes_args or (":" in name and not name.startswith("admin:"))
    } - set(NOT_OPENED)
    assert not sorted(expected - walk.visited), "routes the walk did not open"


def test_the_walk_finds_a_number_and_accepts_a_logged_one(world, officer_a, client_for):
    """The search itself: a reveal shows the number and is logged, so it is no leak."""
    walk = Walk(officer_a, member_numbers())
    client = client_for(officer_a)
    response = client.post(f"/members/{world.member.pk}/cccd/")
    text = response_text(response)
    assert numbers_shown(walk.numbers, text) == {world.member.cccd}
    spaced = " ".join(world.member.cccd[i : i + 3] for i in range(0, 12, 3))
    assert numbers_shown(walk.numbers, f"<td>{spaced}</td>") == {world.member.cccd}
    assert numbers_shown(walk.numbers, f"<v>{int(world.member.cccd)}</v>") == {world.member.cccd}


def test_no_admin_page_lists_a_model_with_an_identity_number():
    """The Django admin does not go through the access log: no model with a CCCD in it."""
    exposed = [
        model._meta.label
        for model in admin.site._registry
        if any(field.name == "cccd" for field in model._meta.get_fields())
    ]
    assert not exposed
