"""A worker (no role anywhere) is refused the office's pages instead of an empty officers' page."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/documents/",
        "/documents/new/",
        "/documents/incoming/",
        "/documents/incoming/paper/",
        "/documents/overdue/",
        "/documents/registers/",
    ],
)
def test_a_worker_is_refused_the_office_pages(client_for, no_role_user, officer_a, url):
    assert client_for(no_role_user).get(url).status_code == 403
    assert client_for(officer_a).get(url).status_code == 200
