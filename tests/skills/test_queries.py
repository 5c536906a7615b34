"""The skills querysets place rows in the tree through org's paths, and the visible_<thing>
helpers answer the common 404 for missing, out of scope, or (to change) only seen from below."""

from __future__ import annotations

import pytest

from congdoan.common.errors import OutOfScope
from congdoan.skills import queries, services
from congdoan.skills.choices import CheckInMethod
from congdoan.skills.models import Certificate, Course

from .conftest import make_member


@pytest.fixture
def courses(tree):
    return {
        unit: Course.objects.create(unit=getattr(tree, unit), code=f"C-{unit}", title=unit)
        for unit in ("prov", "zone", "gr_a1", "ward")
    }


def _codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_tree_placement(tree, courses):
    assert _codes(Course.objects.in_subtree(tree.zone)) == {"C-zone", "C-gr_a1"}
    assert _codes(Course.objects.applying_to(tree.gr_a1)) == {"C-prov", "C-zone", "C-gr_a1"}
    assert _codes(Course.objects.concerning(tree.zone)) == {"C-prov", "C-zone", "C-gr_a1"}


def test_catalogue_seen_from_below_is_not_to_change(tree, courses, officer_a, officer_b):
    assert _codes(Course.objects.visible_to(officer_a)) == {"C-prov", "C-zone", "C-gr_a1"}
    assert _codes(Course.objects.managed_by(officer_a)) == {"C-zone", "C-gr_a1"}
    assert queries.visible_course(officer_a, courses["prov"].pk).code == "C-prov"
    with pytest.raises(OutOfScope):
        queries.visible_course(officer_a, courses["prov"].pk, to_change=True)
    assert queries.visible_course(officer_a, courses["zone"].pk, to_change=True).code == "C-zone"
    for pk in (courses["zone"].pk, 10**9, "x"):
        with pytest.raises(OutOfScope):
            queries.visible_course(officer_b, pk)


def test_certificate_by_issuer_or_holder(tree, session, officer_a, ward_admin):
    """A ZONE session's certificate for a WARD member: both subtrees see it, only the
    issuing one may change it."""
    member = make_member(tree.gr_b1, "Đỗ Thị Hoa", gender="female")
    session.enrolments.create(member=member, source="officer")  # an officer of ZONE cannot see them
    services.check_in(session, member, method=CheckInMethod.QR_ACCOUNT)
    services.close_session(officer_a, session)
    number = Certificate.objects.get(member=member).number
    assert Certificate.objects.in_subtree(tree.ward).count() == 1
    assert Certificate.objects.in_subtree(tree.zone).count() == 1
    assert Certificate.objects.in_subtree(tree.gr_a2).count() == 0
    assert queries.visible_certificate(ward_admin, number.lower()).number == number
    with pytest.raises(OutOfScope):
        queries.visible_certificate(ward_admin, number, to_change=True)
    assert queries.visible_certificate(officer_a, number, to_change=True).number == number
