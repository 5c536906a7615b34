"""An officer of the sibling subtree gets 404 on every document page and endpoint of ZONE."""

import pytest

from congdoan.documents import services
from tests.scoping import ScopedRoute, assert_api_hidden, assert_hidden

from .conftest import draft, sample_pdf

ROUTES = [
    ScopedRoute("documents:detail", lambda t: f"/documents/{t.doc.pk}/"),
    ScopedRoute("documents:file", lambda t: f"/documents/{t.doc.pk}/file/"),
    ScopedRoute(
        "documents:attachment", lambda t: f"/documents/{t.doc.pk}/attachments/{t.attachment.pk}/"
    ),
    ScopedRoute(
        "documents:revise",
        lambda t: f"/documents/{t.doc.pk}/revise/",
        "post",
        {"summary": "Hijacked"},
    ),
    ScopedRoute("documents:submit", lambda t: f"/documents/{t.doc.pk}/submit/", "post"),
    ScopedRoute(
        "documents:review",
        lambda t: f"/documents/{t.doc.pk}/review/",
        "post",
        {"decision": "agree"},
    ),
    ScopedRoute("documents:approve", lambda t: f"/documents/{t.doc.pk}/approve/", "post"),
    ScopedRoute(
        "documents:sign", lambda t: f"/documents/{t.doc.pk}/sign/", "post", {"password": "x"}
    ),
    ScopedRoute(
        "documents:issue", lambda t: f"/documents/{t.doc.pk}/issue/", "post", {"password": "x"}
    ),
    ScopedRoute("documents:incoming_detail", lambda t: f"/documents/incoming/{t.entry.pk}/"),
    ScopedRoute("documents:incoming_scan", lambda t: f"/documents/incoming/{t.entry.pk}/scan/"),
    ScopedRoute(
        "documents:incoming_assign",
        lambda t: f"/documents/incoming/{t.entry.pk}/assign/",
        "post",
        {"handler": "1", "deadline": "2099-01-01"},
    ),
    ScopedRoute(
        "documents:incoming_handle", lambda t: f"/documents/incoming/{t.entry.pk}/handle/", "post"
    ),
    ScopedRoute(
        "documents:register_detail", lambda t: f"/documents/registers/{t.entry.register_id}/"
    ),
    ScopedRoute(
        "documents:certificate_revoke", lambda t: f"/documents/certificates/{t.cert.pk}/revoke/"
    ),
    ScopedRoute(
        "documents:certificate_revoke",
        lambda t: f"/documents/certificates/{t.cert.pk}/revoke/",
        "post",
        {"reason": "x"},
    ),
]

API_ROUTES = [
    ("get", lambda t: f"/api/v1/documents/{t.doc.pk}", None),
    ("get", lambda t: f"/api/v1/documents/{t.doc.pk}/file", None),
    ("get", lambda t: f"/api/v1/documents/{t.doc.pk}/history", None),
    ("post", lambda t: f"/api/v1/documents/{t.doc.pk}/submit", {"reviewers": []}),
    ("post", lambda t: f"/api/v1/documents/{t.doc.pk}/review", {"agree": True}),
    ("post", lambda t: f"/api/v1/documents/{t.doc.pk}/approve", {}),
    ("post", lambda t: f"/api/v1/documents/{t.doc.pk}/sign", {"password": "x"}),
    ("post", lambda t: f"/api/v1/documents/{t.doc.pk}/issue", {"password": "x"}),
    (
        "post",
        lambda t: f"/api/v1/documents/incoming/{t.entry.pk}/assign",
        {"handler": "zone_admin"},
    ),
    ("post", lambda t: f"/api/v1/documents/incoming/{t.entry.pk}/handle", {}),
]


@pytest.fixture
def scoped_tree(tree, officer_a, zone_admin, doc_type, pki_ready):
    tree.doc = draft(officer_a, tree.zone, doc_type, attachments=(("phu-luc.pdf", sample_pdf()),))
    tree.attachment = tree.doc.attachments.get()
    tree.entry = services.register_paper_document(
        zone_admin,
        tree.gr_a1,
        sender="Sở Lao động",
        doc_type=doc_type,
        summary="Về an toàn lao động",
        scan=("scan.pdf", sample_pdf()),
    )
    tree.cert = pki_ready["zone_admin"]
    return tree


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}-{r.method}")
def test_sibling_officer_gets_404(route, scoped_tree, ward_admin, client_for):
    client = client_for(ward_admin)
    assert_hidden(client, route.build(scoped_tree), route.method, route.data)


@pytest.mark.parametrize("method,build,payload", API_ROUTES)
def test_api_sibling_gets_404(method, build, payload, scoped_tree, ward_admin, api_client_for):
    client = api_client_for(ward_admin)
    url = build(scoped_tree)
    assert_api_hidden(client, method, url, payload)


def test_sibling_lists_show_nothing_of_zone(scoped_tree, officer_b, client_for, api_client_for):
    client = client_for(officer_b)
    assert "khen thưởng" not in client.get("/documents/", {"q": "khen thuong"}).content.decode()
    assert "an toàn" not in client.get("/documents/incoming/").content.decode()
    api = api_client_for(officer_b)
    assert api.get("/api/v1/documents", {"q": "khen thuong"}).json() == {"items": [], "count": 0}
    assert api.get("/api/v1/documents/incoming").json() == {"items": [], "count": 0}


def test_api_create_in_sibling_unit_is_404(scoped_tree, officer_b, api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client_for(officer_b).post(
        "/api/v1/documents",
        {
            "unit": "ZONE",
            "doc_type": "quyet-dinh",
            "summary": "X",
            "file": SimpleUploadedFile("x.pdf", sample_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 404


def test_an_attachment_is_reached_only_through_its_own_document(
    scoped_tree, officer_a, ward_admin, doc_type, client_for
):
    """A visible document does not open another document's attachment by its id."""
    ward_doc = draft(
        ward_admin, scoped_tree.ward, doc_type, attachments=(("rieng.pdf", sample_pdf()),)
    )
    foreign = ward_doc.attachments.get()
    own = client_for(officer_a)
    assert own.get(f"/documents/{scoped_tree.doc.pk}/attachments/{foreign.pk}/").status_code == 404
    assert own.get(f"/documents/{ward_doc.pk}/attachments/{foreign.pk}/").status_code == 404
    assert (
        own.get(
            f"/documents/{scoped_tree.doc.pk}/attachments/{scoped_tree.attachment.pk}/"
        ).status_code
        == 200
    )


def test_registers_are_scoped_by_their_own_queryset(scoped_tree, officer_b, zone_admin):
    from congdoan.documents.models import Register

    register = scoped_tree.entry.register
    assert Register.objects.visible_to(zone_admin).filter(pk=register.pk).exists()
    assert not Register.objects.visible_to(officer_b).filter(pk=register.pk).exists()
