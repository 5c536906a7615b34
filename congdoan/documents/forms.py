"""Forms of the paperless office. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdoan.common.uploads import validate_upload_size
from congdoan.org.models import Unit

from . import queries, services, signing
from .choices import (
    CERTIFICATE_MANAGERS,
    CLERKS,
    DRAFTERS,
    Channel,
    Confidentiality,
    IncomingStatus,
    SignerPrefix,
    Urgency,
)
from .models import DocumentType


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FileField(forms.FileField):
    """A file field drawn with the project's ``input.html`` (Bootstrap ``form-control``):
    Django's default clearable widget has its own template without the class, and is
    wider than a 360 px screen. Every file of these forms is held to ``UPLOAD_MAX_BYTES``."""

    widget = forms.FileInput
    default_validators = [validate_upload_size]


class MultipleFileField(FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _file_help() -> str:
    if services.office_converter():
        return _("PDF, or a Word / OpenDocument file (converted to PDF).")
    return _("PDF only: this server cannot convert Word or OpenDocument files.")


class DocumentForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("documents", "Issuing unit"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose a unit"),
    )
    doc_type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.filter(is_active=True),
        empty_label=_("Choose a type"),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = FileField(label=_("Content"))
    department = forms.CharField(
        label=_("Drafting department"),
        max_length=16,
        required=False,
        help_text=_("For an official letter: e.g. TC gives 12/LĐLĐ-TC."),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    signer = forms.ModelChoiceField(
        label=_("Signer"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("(the head of the unit)"),
        help_text=_("Empty: the head of the unit signs."),
    )
    signing_unit = forms.ModelChoiceField(
        label=_("Send for signature to"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("(the drafting unit signs)"),
        help_text=_(
            "An upper unit: its officer signs and it issues the paper with its own number."
        ),
    )
    signer_prefix = forms.ChoiceField(
        label=_("Signer prefix"), choices=SignerPrefix.choices, required=False
    )
    signer_position = forms.CharField(label=_("Signer position"), max_length=100, required=False)
    recipient_units = forms.ModelMultipleChoiceField(
        label=_("Recipient units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    recipients_text = forms.CharField(label=_("Other recipients"), max_length=500, required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user, DRAFTERS).active()
        self.fields["unit"].queryset = units
        self.fields["file"].help_text = _file_help()
        if services.office_converter() is None:
            self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"
        self.fields["signer"].queryset = queries.possible_signers(units).order_by("username")
        self.fields["signing_unit"].queryset = queries.upper_units(units).order_by("path")
        first = units.first()
        recipients = Unit.objects.visible_to(user).active()
        if first is not None:
            recipients = queries.allowed_recipient_units(user, first)
        self.fields["recipient_units"].queryset = recipients.order_by("path")

    def draft_data(self) -> services.DraftData:
        d = self.cleaned_data
        return services.DraftData(
            unit=d["unit"],
            doc_type=d["doc_type"],
            summary=d["summary"],
            file=d["file"],
            urgency=d["urgency"],
            confidentiality=d["confidentiality"],
            place=d["place"] or "",
            department=d["department"] or "",
            signer=d["signer"],
            signing_unit=d["signing_unit"],
            signer_prefix=d["signer_prefix"] or "",
            signer_position=d["signer_position"] or "",
            recipient_units=tuple(d["recipient_units"]),
            recipients_text=d["recipients_text"] or "",
            attachments=tuple(d["attachments"] or ()),
        )


class ReviseForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = FileField(label=_("New content"), required=False)


class SubmitForm(forms.Form):
    # Checkboxes, not a multi-select box: usable with a thumb on a phone.
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = queries.users_on(document.unit).order_by("username")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("agree", _("Agree")), ("return", _("Return for changes"))]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("or authentication code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignForm(ConfirmForm):
    page = forms.IntegerField(
        label=_("Page"), required=False, min_value=1, help_text=_("Empty: the last page.")
    )
    position = forms.ChoiceField(
        label=_("Position of the signature block"),
        choices=[
            ("bottom-right", _("Bottom right")),
            ("bottom-left", _("Bottom left")),
            ("bottom-center", _("Bottom centre")),
        ],
        initial="bottom-right",
    )

    def clean_position(self):
        value = self.cleaned_data["position"]
        if value not in signing.POSITIONS:
            raise forms.ValidationError(_("Unknown position."))
        return value


class IssueForm(ConfirmForm):
    pass


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=get_user_model().objects.none())
    deadline = forms.DateField(
        label=pgettext_lazy("documents", "Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Instruction"), required=False, max_length=500)

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = queries.users_on(entry.unit).order_by("username")


class HandleForm(forms.Form):
    note = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaperForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Receiving unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit")
    )
    sender = forms.CharField(label=_("Sender"), max_length=255)
    number_symbol = forms.CharField(label=_("Number and symbol"), max_length=64, required=False)
    doc_type = forms.ModelChoiceField(
        label=_("Document type"),
        queryset=DocumentType.objects.filter(is_active=True),
        empty_label=_("Choose a type"),
    )
    document_date = forms.DateField(
        label=_("Document date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    scan = FileField(
        label=_("Scan (PDF)"), widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user, CLERKS).active()


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=DocumentType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("All types"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to_sign = forms.BooleanField(label=_("Waiting for my signature"), required=False)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses"))] + list(statuses)


class IncomingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + list(IncomingStatus.choices),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Electronic and paper"))] + list(Channel.choices),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class CertificateIssueForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("personal", _("Personal (signer)")), ("seal", _("Organisation seal"))],
    )
    user = forms.ModelChoiceField(
        label=pgettext_lazy("documents", "Holder"),
        queryset=get_user_model().objects.none(),
        required=False,
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=3650, initial=730)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user, CERTIFICATE_MANAGERS).active()
        self.fields["unit"].queryset = units
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(role_assignments__unit__in=units)
            .distinct()
            .order_by("username")
        )


class CertificateImportForm(CertificateIssueForm):
    file = FileField(label=_("PKCS#12 file (.p12, .pfx)"))
    password = forms.CharField(label=_("File password"), required=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["days"]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class VerifyForm(forms.Form):
    file = FileField(
        label=_("Signed PDF file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    code = forms.CharField(label=_("or document code"), required=False, max_length=16)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("code") or "").strip():
            raise forms.ValidationError(_("Upload a PDF file or enter the document code."))
        return data
