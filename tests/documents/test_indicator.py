"""The "documents processed online" indicator counts paper documents in the denominator only."""

from datetime import date

from django.utils import timezone

from congdoan.documents import indicators, services
from congdoan.indicators.registry import Period, get
from tests.conftest import PASSWORD

from .conftest import draft, sample_pdf


def test_online_share(tree, admin_user, grassroots_a, doc_type, pki_ready):
    doc = draft(admin_user, tree.prov, doc_type, recipient_units=(tree.gr_a1,))
    services.sign_document(admin_user, doc, password=PASSWORD)
    services.issue_document(admin_user, doc, password=PASSWORD)
    services.register_paper_document(
        grassroots_a,
        tree.gr_a1,
        sender="Sở Y tế",
        doc_type=doc_type,
        summary="Giấy",
        scan=("s.pdf", sample_pdf()),
    )
    today = timezone.localdate()
    period = Period(date(today.year, 1, 1), today)
    rows = {unit_id: (n, d) for unit_id, n, d in get("documents.processed_online").compute(period)}
    assert rows[tree.prov.pk] == (1, 1)  # issued online
    assert rows[tree.gr_a1.pk] == (1, 2)  # one delivered online, one on paper
    assert indicators.documents_online_share(tree.prov.path, period.start, period.end) == (2, 3)
    records = get("documents.processed_online").records(admin_user, tree.prov, period, "complement")
    assert [r.summary for r in records] == ["Giấy"]
