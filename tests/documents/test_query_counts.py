"""Zulip style: the number of queries of a list must not grow with the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from congdoan.documents import services
from congdoan.documents.choices import Confidentiality, Urgency
from congdoan.documents.models import DocumentType

from .conftest import draft


def _count(client, url, **params):
    client.get(url, params)  # warm-up: session and token stamps are written once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), response


def _drafts(tree, admin_user, zone_admin, signer, n: int, start: int = 0):
    """Drafts of two units and several types, with recipients, a signer, urgency and confidentiality."""
    types = list(DocumentType.objects.filter(is_active=True)[:4])
    for i in range(start, start + n):
        unit, actor = (tree.prov, admin_user) if i % 2 else (tree.zone, zone_admin)
        doc = draft(
            actor,
            unit,
            types[i % len(types)],
            summary=f"Về việc thử số {i}",
            recipient_units=[tree.gr_a1, tree.gr_a2][: 1 + i % 2],
            signer=signer if i % 3 == 0 else None,
            urgency=Urgency.URGENT if i % 4 == 0 else Urgency.NORMAL,
            confidentiality=Confidentiality.CONFIDENTIAL if i % 5 == 0 else Confidentiality.NORMAL,
        )
        if i % 2:
            services.submit_for_review(actor, doc, reviewers=[actor])


def test_list_page_queries_do_not_grow_with_rows(
    tree, admin_user, zone_admin, doc_type, client_for
):
    client = client_for(admin_user)
    _drafts(tree, admin_user, zone_admin, admin_user, 3)
    few, response = _count(client, "/documents/")
    assert response.content.decode().count("Về việc thử số") == 3
    _drafts(tree, admin_user, zone_admin, admin_user, 24, start=3)
    many, response = _count(client, "/documents/")
    assert response.content.decode().count("Về việc thử số") == 27
    assert few == many, (few, many)
    assert many <= 14, many
    # The htmx fragment (search as you type) too.
    htmx_few, _r = _count(client, "/documents/", q="thu so 1")
    htmx_all, _r = _count(client, "/documents/", q="thu so")
    assert htmx_few == htmx_all


def test_api_list_queries_do_not_grow_with_rows(
    tree, admin_user, zone_admin, doc_type, api_client_for
):
    api = api_client_for(admin_user)
    _drafts(tree, admin_user, zone_admin, admin_user, 3)
    few, response = _count(api, "/api/v1/documents")
    assert response.json()["count"] == 3
    _drafts(tree, admin_user, zone_admin, admin_user, 24, start=3)
    many, response = _count(api, "/api/v1/documents")
    body = response.json()
    assert body["count"] == 27 and all(item["recipients"] for item in body["items"])
    assert few == many, (few, many)
    assert many <= 10, many


def test_incoming_list_queries_do_not_grow_with_rows(tree, admin_user, doc_type, client_for):
    client = client_for(admin_user)
    for i in range(3):
        services.register_paper_document(
            admin_user,
            tree.prov,
            sender="Sở Nội vụ",
            doc_type=doc_type,
            summary=f"Công văn giấy {i}",
            scan=("s.pdf", _scan()),
        )
    few, _r = _count(client, "/documents/incoming/")
    for i in range(3, 20):
        services.register_paper_document(
            admin_user,
            tree.prov,
            sender="Sở Nội vụ",
            doc_type=doc_type,
            summary=f"Công văn giấy {i}",
            scan=("s.pdf", _scan()),
        )
    many, response = _count(client, "/documents/incoming/")
    assert response.content.decode().count("Công văn giấy") == 20
    assert few == many, (few, many)


def _scan():
    from .conftest import sample_pdf

    return sample_pdf()
