"""Forms of the member pages. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congdoan.common import cccd as cccd_rules
from congdoan.common.phone import display_phone
from congdoan.org import divisions
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q

from .importing.columns import FIELDS
from .models import Member
from .services import EDITABLE_FIELDS

BLANK = ("", "---------")
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


# The form's fields in groups, as on the paper record (fields not named here go in the last).
FIELDSETS = (
    (
        pgettext_lazy("member form", "Identity"),
        (
            "full_name",
            "gender",
            "date_of_birth",
            "birth_year_only",
            "cccd",
            "cccd_clear",
            "cccd_exception",
            "cccd_exception_reason",
            "ethnicity",
            "religion",
            "education_level",
            "qualification",
        ),
    ),
    (pgettext_lazy("member form", "Contact"), ("phone", "email")),
    (
        pgettext_lazy("member form", "Addresses"),
        (
            "permanent_province",
            "permanent_commune",
            "permanent_street",
            "current_province",
            "current_commune",
            "current_street",
        ),
    ),
    (
        pgettext_lazy("member form", "Union"),
        ("unit_code", "group", "card_number", "job_title", "joined_on", "monthly_salary"),
    ),
)


class MemberForm(forms.ModelForm):
    """The member's details. Model validation is left to ``services`` (one place for the rules).

    Shown in ``FIELDSETS``; the commune list follows the chosen province (htmx, ``org:communes``).
    """

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
            # The communes follow the province without a submit (htmx swaps the options in).
            self.fields[f"{kind}_province"].widget.attrs.update(
                {
                    "hx-get": reverse("org:communes"),
                    "hx-trigger": "change",
                    "hx-target": f"#id_{kind}_commune",
                    "hx-swap": "innerHTML",
                }
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
        phone = self.fields["phone"]
        phone.help_text = _("For example 0912 345 678.")
        phone.widget.attrs.update({"type": "tel", "placeholder": "0912 345 678"})
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = display_phone(self.instance.phone)
        for field in self.fields.values():
            field.label = capfirst(field.label)
            # Django's blank choice reads "---------"; the other lists of the form show "—".
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = "—"
            elif isinstance(field, forms.ChoiceField) and list(field.choices)[:1] == [BLANK]:
                field.choices = [("", "—"), *list(field.choices)[1:]]
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

    @property
    def fieldsets(self) -> list[tuple[str, list]]:
        """(legend, bound fields) in ``FIELDSETS`` order; empty groups left out."""
        placed: set[str] = set()
        groups = []
        for legend, names in FIELDSETS:
            fields = [self[n] for n in names if n in self.fields and not self[n].is_hidden]
            placed.update(names)
            groups.append((legend, fields))
        rest = [f for f in self.visible_fields() if f.name not in placed]
        if rest:
            groups[-1][1].extend(rest)
        return [(legend, fields) for legend, fields in groups if fields]

    def clean_cccd(self):
        """Twelve digits, as typed by an officer (a spreadsheet's dropped leading zero is
        restored by the import, not here: on a form 11 digits is a typing slip)."""
        value = (self.cleaned_data.get("cccd") or "").strip()
        digits = "".join(ch for ch in value if ch not in " .-")
        if not digits:
            return ""
        if len(digits) == 9 and digits.isdigit():
            raise forms.ValidationError(
                _(
                    "A 9-digit number is an old identity card: the citizen identity number has 12 digits."
                ),
                code="old_card",
            )
        if len(digits) != 12 or not digits.isdigit():
            raise forms.ValidationError(
                _("The citizen identity number must have 12 digits."), code="length"
            )
        return digits

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


class UnitListInput(forms.TextInput):
    """A text box with a ``<datalist>`` of units: the browser offers the matching ones as the
    officer types part of a name or a code."""

    template_name = "members/widgets/unit_datalist.html"

    def __init__(self, units=(), attrs: dict | None = None):
        super().__init__(attrs)
        self.units = units

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id', name)}-options"
        context["widget"]["attrs"]["list"] = context["widget"]["list_id"] = list_id
        context["widget"]["units"] = self.units
        return context


class AdmitForm(MemberForm):
    """A new member: the unit is one of the officer's grassroots unions or union groups, chosen
    from a list the browser filters as one types (a union group places the member in it)."""

    unit_code = forms.CharField(label=_("Grassroots union or union group"), max_length=32)
    card_number = forms.CharField(
        label=_("Union card number"),
        required=False,
        help_text=_("Leave empty to issue the next number."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units if units is not None else Unit.objects.none()
        field = self.fields["unit_code"]
        field.widget = UnitListInput(
            [(u.code, u.name) for u in self.units.only("code", "name")],
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "placeholder": gettext("Type part of the name or the code"),
            },
        )
        field.help_text = _("Only your grassroots unions and union groups are listed.")
        del self.fields["group"]  # a union group is chosen in the list itself

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip().upper()
        if not self.units.filter(code=code).exists():
            raise forms.ValidationError(
                _("Choose one of your grassroots unions or union groups from the list."),
                code="unit",
            )
        return code


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
