"""A grassroots union sends a paper up for signature: the federation's chair signs, the
federation issues it with its own register and seal; the paper stays the grassroots union's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from congdoan.common.errors import NotAllowed, OutOfScope
from congdoan.documents import services
from congdoan.documents.forms import DocumentForm
from congdoan.documents.models import Document
from tests.conftest import PASSWORD
from tests.scoping import assert_hidden

from .conftest import draft, sample_pdf


@pytest.fixture
def routed(tree, grassroots_a, admin_user, doc_type, pki_ready):
    return draft(
        grassroots_a,
        tree.gr_a1,
        doc_type,
        signer=admin_user,
        signing_unit=tree.prov,
        signer_prefix="TM.",
        signer_position="Chủ tịch",
    )


def test_the_form_offers_upper_units_and_their_heads(tree, grassroots_a, admin_user, officer_b):
    form = DocumentForm(user=grassroots_a)
    assert admin_user in form.fields["signer"].queryset
    assert officer_b not in form.fields["signer"].queryset  # a sibling subtree's officer
    units = set(form.fields["signing_unit"].queryset)
    assert units == {tree.prov, tree.zone}


def test_only_an_upper_unit_can_sign(tree, grassroots_a, admin_user, doc_type, pki_ready):
    with pytest.raises(ValidationError) as err:
        draft(grassroots_a, tree.gr_a1, doc_type, signing_unit=tree.ward)
    assert "signing_unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        draft(grassroots_a, tree.gr_a1, doc_type, signing_unit=tree.prov, signer=grassroots_a)
    assert "signer" in err.value.message_dict


def test_the_upper_level_signs_and_issues_with_its_register(tree, routed, grassroots_a, admin_user):
    services.approve_document(admin_user, routed)
    with pytest.raises((NotAllowed, OutOfScope, ValidationError)):
        services.sign_document(grassroots_a, routed, password=PASSWORD)
    services.sign_document(admin_user, routed, password=PASSWORD)
    with pytest.raises((NotAllowed, OutOfScope)):  # the grassroots clerk cannot issue it
        services.issue_document(grassroots_a, Document.objects.get(pk=routed.pk), password=PASSWORD)
    doc = services.issue_document(admin_user, routed, password=PASSWORD)
    assert doc.unit == tree.gr_a1  # still the grassroots union's paper
    assert doc.register.unit == tree.prov and doc.number_symbol.endswith("/QĐ-LĐLĐ")
    assert doc.signatures.get(role="seal").certificate.unit == tree.prov


def test_the_upper_signer_sees_it_and_a_sibling_subtree_does_not(
    tree, routed, admin_user, officer_b, client_for
):
    assert client_for(admin_user).get(f"/documents/{routed.pk}/").status_code == 200
    other = client_for(officer_b)
    assert_hidden(other, f"/documents/{routed.pk}/")
    assert_hidden(other, f"/documents/{routed.pk}/sign/", "post", {"password": PASSWORD})
    assert_hidden(other, f"/documents/{routed.pk}/issue/", "post", {"password": PASSWORD})


def test_the_api_takes_the_signing_unit(tree, grassroots_a, admin_user, api_client_for, doc_type):
    client = api_client_for(grassroots_a)
    response = client.post(
        "/api/v1/documents",
        {
            "unit": "GR-A1",
            "doc_type": doc_type.code,
            "summary": "Tờ trình đề nghị khen thưởng",
            "signer": admin_user.username,
            "signing_unit": "PROV",
            "file": _upload(),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["signing_unit"] == "PROV"


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tt.pdf", sample_pdf(), content_type="application/pdf")


def test_only_the_upper_units_clerk_is_offered_the_issue(
    tree, routed, grassroots_a, admin_user, client_for
):
    services.sign_document(admin_user, routed, password=PASSWORD)
    issue = f"/documents/{routed.pk}/issue/"
    assert issue not in client_for(grassroots_a).get(f"/documents/{routed.pk}/").content.decode()
    assert issue in client_for(admin_user).get(f"/documents/{routed.pk}/").content.decode()


def test_the_upper_signer_finds_what_waits_for_their_signature(
    tree, routed, grassroots_a, admin_user, zone_admin, doc_type, client_for
):
    services.approve_document(admin_user, routed)
    other = draft(zone_admin, tree.zone, doc_type, signer=zone_admin, summary="Kế hoạch khác")
    services.approve_document(zone_admin, other)
    html = client_for(admin_user).get("/documents/", {"to_sign": "1"}).content.decode()
    assert f'href="/documents/{routed.pk}/"' in html
    assert f'href="/documents/{other.pk}/"' not in html  # zone_admin signs that one
    mine = client_for(zone_admin).get("/documents/", {"to_sign": "1"}).content.decode()
    assert f'href="/documents/{other.pk}/"' in mine
    assert f'href="/documents/{routed.pk}/"' not in mine
