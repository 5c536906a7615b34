"""Papers to review, to sign and overdue incoming ones wait on the officer's home page."""

from congdoan.documents import services
from congdoan.org.choices import Role

from ..conftest import make_user
from ..org.test_home_waiting import _waiting
from .conftest import draft


def test_papers_to_review_and_sign_wait_for_the_right_people(
    tree, zone_admin, officer_a, officer_b, doc_type, client_for
):
    reviewer = make_user("reviewer_h", tree.zone, Role.OFFICER)
    doc = draft(officer_a, tree.zone, doc_type)
    services.submit_for_review(officer_a, doc, reviewers=[reviewer])
    box = _waiting(client_for(reviewer))
    assert "Văn bản chờ tôi cho ý kiến" in box and "?status=in_review" in box
    services.review_document(reviewer, doc, agree=True)
    services.approve_document(zone_admin, doc)
    assert "Văn bản chờ tôi ký" in _waiting(client_for(zone_admin))
    # Nothing of ZONE's waits for the sibling subtree's officer.
    box_b = _waiting(client_for(officer_b))
    assert "Văn bản chờ tôi ký" not in box_b and "Văn bản chờ tôi cho ý kiến" not in box_b
