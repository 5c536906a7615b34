"""Forms of the member pages. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congdoan.common import cccd as cccd_rules
from congdoan.org import divisions
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q

from .importing.columns import FIELDS
from .models import Member
from .services import EDITABLE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class MaskedCccdInput(forms.TextInput):
    """The identity-number box of the edit form: empty, with a button that asks for the full
    number through the logged reveal (``access_log.reveal_cccd``, as on the detail page)."""

    template_name = "members/widgets/masked_cccd.html"

    def __init__(self, reveal_url: str, attrs: dict | None = None):
        super().__init__(attrs)
        self.reveal_url = reveal_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["reveal_url"] = self.reveal_url
        return context


class MemberForm(forms.ModelForm):
    """The member's details. Model validation is left to ``services`` (one place for the rules)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = [f for f in EDITABLE_FIELDS]
        widgets = {"date_of_birth": DATE_INPUT, "joined_on": DATE_INPUT}

    def __init__(self, *args, unit: Unit | None = None, show_salary: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = [("", "—")] + [(str(c), n) for c, n in divisions.provinces()]
        for kind in ("permanent", "current"):
            self.fields[f"{kind}_province"] = forms.TypedChoiceField(
                label=Member._meta.get_field(f"{kind}_province").verbose_name,
                choices=provinces,
                coerce=int,
                required=False,
                empty_value=None,
            )
            province = self.data.get(f"{kind}_province") or (
                self.initial.get(f"{kind}_province")
                or getattr(self.instance, f"{kind}_province", None)
            )
            communes = divisions.communes_of(int(province)) if str(province or "").isdigit() else []
            self.fields[f"{kind}_commune"] = forms.TypedChoiceField(
                label=Member._meta.get_field(f"{kind}_commune").verbose_name,
                choices=[("", "—")] + [(str(c), n) for c, n in communes],
                coerce=int,
                required=False,
                empty_value=None,
            )
        groups = Unit.objects.none()
        if unit is not None:
            groups = Unit.objects.filter(
                prefix_q(unit.path), kind=UnitKind.UNION_GROUP, status="active"
            )
        self.fields["group"].queryset = groups
        self.fields["group"].required = False
        if not show_salary:
            del self.fields["monthly_salary"]
        self.fields["full_name"].required = True
        # Editing a member who has a number: it is never sent to the browser (only masked);
        # an empty box keeps it, a typed number replaces it, a tick removes it.
        self.masks_cccd = bool(self.instance.pk and self.instance.cccd)
        if self.masks_cccd:
            self._mask_stored_cccd()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def _mask_stored_cccd(self) -> None:
        masked = cccd_rules.mask(self.instance.cccd)
        field = self.fields["cccd"]
        field.widget = MaskedCccdInput(
            reverse("members:reveal_cccd", args=[self.instance.pk]),
            attrs={"placeholder": masked, "autocomplete": "off"},
        )
        field.help_text = gettext(
            "Recorded: %(masked)s. Leave empty to keep it; type a new number to replace it."
        ) % {"masked": masked}
        self.initial["cccd"] = ""
        clear = forms.BooleanField(label=_("Remove the recorded number"), required=False)
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("cccd") + 1
        self.fields = dict([*fields[:at], ("cccd_clear", clear), *fields[at:]])

    def clean(self):
        cleaned = super().clean()
        if self.masks_cccd and cleaned.get("cccd") and cleaned.get("cccd_clear"):
            self.add_error(
                "cccd_clear", _("Type a new number or remove the recorded one, not both.")
            )
        return cleaned

    def _post_clean(self):  # skip ModelForm's model validation: the service does it
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        for key in (
            "permanent_province",
            "permanent_commune",
            "current_province",
            "current_commune",
            "date_of_birth",
            "joined_on",
            "monthly_salary",
        ):
            if key in data and data[key] == "":
                data[key] = None
        if self.masks_cccd:
            if self.cleaned_data.get("cccd_clear"):
                data["cccd"] = ""
            elif not data.get("cccd"):
                del data["cccd"]  # left empty: the recorded number stays
        return {
            k: ("" if v is None and not Member._meta.get_field(k).null else v)
            for k, v in data.items()
        }


class AdmitForm(MemberForm):
    unit_code = forms.CharField(label=_("Grassroots union or union group (code)"), max_length=32)
    card_number = forms.CharField(
        label=_("Union card number"),
        required=False,
        help_text=_("Leave empty to issue the next number."),
    )

    field_order = ["unit_code", "card_number"]


def _unit_code_field(label) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=32, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class TransferForm(forms.Form):
    to_unit = _unit_code_field(_("Receiving grassroots union (code)"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class StatusForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)


class ImportForm(forms.Form):
    unit_code = _unit_code_field(_("Grassroots union (code)"))
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods,.csv"}
        ),
    )


class MappingForm(forms.Form):
    """One select per column of the file: which member field it holds."""

    def __init__(self, *args, headers: list[str], mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        by_column = {int(v): k for k, v in mapping.items()}
        choices = [("", _("(ignore)"))] + [
            (name, label) for name, (label, _aliases) in FIELDS.items()
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            if not header and index not in by_column:
                continue
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"#{index + 1}",
                choices=choices,
                required=False,
                initial=by_column.get(index, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for name, value in self.cleaned_data.items():
            if value and value not in result:
                result[value] = int(name[4:])
        return result
