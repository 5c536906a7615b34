"""common.errors.visible_or_404 and common.forms.add_service_errors."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from congdoan.common.errors import OutOfScope, visible_or_404
from congdoan.common.forms import add_service_errors
from congdoan.org.models import Unit
from congdoan.org.queries import visible_unit


@pytest.mark.django_db
def test_missing_and_out_of_scope_are_the_same_translated_404(tree, officer_b):
    with translation.override("vi"):
        with pytest.raises(OutOfScope) as missing:
            visible_unit(officer_b, "NO-SUCH")
        with pytest.raises(OutOfScope) as hidden:
            visible_unit(officer_b, "GR-A1")
    assert (
        str(missing.value)
        == str(hidden.value)
        == ("Không tìm thấy, hoặc nằm ngoài các đơn vị bạn phụ trách.")
    )
    assert visible_unit(officer_b, " gr-b1 ").code == "GR-B1"


@pytest.mark.django_db
def test_a_malformed_key_is_a_404_not_a_500(tree, admin_user):
    with pytest.raises(OutOfScope):
        visible_or_404(Unit.objects.visible_to(admin_user), pk="abc")


class NameForm(forms.Form):
    name = forms.CharField()


def test_service_errors_land_on_their_field_or_the_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "bad name", "hidden_field": "kept"}))
    assert form.errors["name"] == ["bad name"]
    assert form.non_field_errors() == ["kept"]
    other = NameForm({"name": "x"})
    other.is_valid()
    add_service_errors(other, ValidationError("whole form"))
    assert other.non_field_errors() == ["whole form"]
