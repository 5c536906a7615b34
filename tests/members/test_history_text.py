"""A member's history reads in the reader's language: reasons are stored in English once and
shown translated ("admitted" → "Kết nạp")."""

from congdoan.members import services
from congdoan.members.history import reason_text


def test_history_reasons_translated_on_the_detail_page(tree, members, admin_user, client_for):
    services.transfer_member(admin_user, members.a1, tree.gr_a2)
    body = client_for(admin_user).get(f"/members/{members.a1.pk}/").content.decode()
    history = body.split('data-testid="history"', 1)[1].split("</ul>", 1)[0]
    assert "Kết nạp" in history and "admitted" not in history
    assert "Chuyển sinh hoạt từ GR-A1 sang GR-A2" in history and "transferred" not in history


def test_unknown_reasons_are_shown_as_stored():
    assert reason_text("đã rà soát") == "đã rà soát"
    assert reason_text("") == ""
