"""Document types show in the reader's language; the official Vietnamese name stays the data."""

import pytest
from django.utils import translation

from congdoan.documents.models import DocumentType


@pytest.mark.django_db
def test_document_types_are_translated_in_the_english_interface():
    decision = DocumentType.objects.get(code="quyet-dinh")
    with translation.override("en"):
        assert str(decision) == "Decision"
    with translation.override("vi"):
        assert str(decision) == "Quyết định"
    assert not DocumentType.objects.filter(name_en="").exists()


@pytest.mark.django_db
def test_the_document_list_in_english_names_the_type_in_english(
    tree, client_for, doc_type, zone_admin
):
    from .conftest import draft

    draft(zone_admin, tree.zone, doc_type, summary="Về việc thử")
    client = client_for(zone_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/documents/").content.decode()
    assert "Về việc thử" in body and f">{doc_type.name_en}<" in body
