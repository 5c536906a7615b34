"""The officer's home page says what waits for them, from the counters the apps register in
``org.hooks.waiting_counters`` (members: transfer requests to decide, imports running)."""

import pytest

from congdoan.members import services
from congdoan.org import hooks
from congdoan.org.hooks import Waiting

from ..members.conftest import member_fields


@pytest.fixture
def a_counter():
    def counter(user):
        return [
            Waiting("Sessions today", 2, "/skills/", urgent=False),
            Waiting("Overdue papers", 1234, "/documents/incoming/", urgent=True),
            Waiting("Nothing here", 0, "/nowhere/"),
        ]

    hooks.register_waiting_counter(counter)
    yield
    hooks.waiting_counters.remove(counter)


def _waiting(client):
    body = client.get("/").content.decode()
    return body.split('data-testid="waiting"', 1)[1].split("</div>\n<div", 1)[0]


def test_registered_counters_show_urgent_first_and_no_zeros(tree, officer_a, client_for, a_counter):
    box = _waiting(client_for(officer_a))
    assert box.index("Overdue papers") < box.index("Sessions today")
    assert "1.234" in box and "Nothing here" not in box


def test_transfer_requests_wait_for_the_receiving_officer(tree, officer_a, officer_b, client_for):
    member = services.admit_member(officer_a, tree.gr_a1, **member_fields(5))
    services.transfer_member(officer_a, member, tree.gr_b1)  # outside officer_a's scope: a request
    box = _waiting(client_for(officer_b))
    assert (
        "Đề nghị chuyển sinh hoạt chờ bạn quyết định" in box and 'href="/members/transfers/"' in box
    )
    assert "Hiện không có việc nào chờ bạn" in _waiting(client_for(officer_a))
