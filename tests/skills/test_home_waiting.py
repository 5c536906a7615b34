"""Sessions running today wait for the officers who organise training there (home page)."""

from django.utils import timezone

from ..org.test_home_waiting import _waiting


def test_sessions_today_wait_for_the_organisers_only(
    tree, officer_a, officer_b, client_for, session
):
    box = _waiting(client_for(officer_a))
    assert "Lớp bồi dưỡng diễn ra hôm nay" in box and 'href="/skills/sessions/?today=1"' in box
    # The sibling subtree's officer is not told about ZONE's session.
    assert "Lớp bồi dưỡng diễn ra hôm nay" not in _waiting(client_for(officer_b))


def test_the_sessions_list_filters_today(tree, officer_a, client_for, session):
    later = type(session).objects.get(pk=session.pk)
    later.pk, later.code, later.checkin_token = None, "LH-LATER", "later-token"
    later.starts_on = later.ends_on = timezone.localdate() + timezone.timedelta(days=30)
    later.save()
    body = client_for(officer_a).get("/skills/sessions/?today=1").content.decode()
    assert "LH-T1" in body and "LH-LATER" not in body
