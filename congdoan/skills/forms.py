"""Forms of the skills pages. They only parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdoan.common import cccd as cccd_rules
from congdoan.common.uploads import validate_upload_size

from .choices import STEP_CHOICES, QuestionKind
from .models import (
    Assessment,
    Campaign,
    Competence,
    CompetenceArea,
    Course,
    DigitalSkillsDefinition,
    FrameworkVersion,
    TrainingPlan,
    TrainingSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def current_competences():
    version = FrameworkVersion.current()
    return (
        Competence.objects.filter(version=version).order_by("order")
        if version
        else Competence.objects.none()
    )


class CompetenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class CompetenceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class CompetenceForm(forms.ModelForm):
    class Meta:
        model = Competence
        fields = ["name_vi", "name_en", "description", "needs_check"]


class AreaForm(forms.ModelForm):
    class Meta:
        model = CompetenceArea
        fields = ["name_vi", "name_en"]


class DefinitionForm(forms.ModelForm):
    competences = CompetenceChoiceField(
        queryset=Competence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Competences"),
    )

    class Meta:
        model = DigitalSkillsDefinition
        fields = [
            "name",
            "purpose",
            "min_step",
            "competences",
            "min_competences",
            "valid_from",
            "valid_to",
        ]
        widgets = {"valid_from": DATE, "valid_to": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        if self.instance.pk:
            codes = self.instance.codes()
            self.initial["competences"] = list(current_competences().filter(code__in=codes))

    def service_fields(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("name", "purpose", "min_step", "min_competences", "valid_from", "valid_to")
        }


class CourseForm(forms.ModelForm):
    competences = CompetenceChoiceField(
        queryset=Competence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Competences built"),
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "description",
            "competences",
            "target_step",
            "mode",
            "hours",
            "min_attendance_percent",
            "assessment",
            "issues_certificate",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        self.fields["assessment"].queryset = Assessment.objects.visible_to(user).select_related(
            "competence"
        )

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "competences"}


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"), required=False, validators=[validate_upload_size])
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = [
            "course",
            "starts_on",
            "ends_on",
            "meeting_count",
            "venue",
            "online_url",
            "trainer_name",
            "capacity",
            "walk_ins",
            "audience",
            "campaign",
            "plan",
            "status",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        unit = unit or self.instance.unit
        self.fields["course"].queryset = Course.objects.concerning(unit).filter(active=True)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user)
        self.fields["plan"].queryset = TrainingPlan.objects.in_subtree(unit)


class BulkEnrolForm(forms.Form):
    unit = forms.CharField(
        label=_("Unit code"), help_text=_("All active members of this unit's subtree.")
    )
    definition = forms.ModelChoiceField(
        queryset=DigitalSkillsDefinition.objects.none(),
        required=False,
        label=_("Only members not meeting"),
        empty_label=_("— everybody —"),
    )
    only_untrained = forms.BooleanField(
        label=_("Only members who never completed a course"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = DigitalSkillsDefinition.objects.visible_to(user)


class CheckInForm(forms.Form):
    cccd = forms.CharField(
        label=_("Citizen identity number (CCCD)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE)

    def clean_cccd(self):
        number = cccd_rules.restore(self.cleaned_data["cccd"])
        if len(number) != 12:
            raise forms.ValidationError(_("A citizen identity number has 12 digits."))
        return number


class AttestForm(forms.Form):
    competence = CompetenceField(queryset=Competence.objects.none(), label=_("Competence"))
    step = forms.TypedChoiceField(choices=STEP_CHOICES, coerce=int, label=_("Step"))
    achieved_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = current_competences()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class QuestionForm(forms.Form):
    competence = CompetenceField(queryset=Competence.objects.none(), label=_("Competence"))
    step = forms.TypedChoiceField(choices=STEP_CHOICES, coerce=int, label=_("Step"))
    kind = forms.ChoiceField(choices=QuestionKind.choices, label=_("Kind"))
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answers = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "One answer per line; start the correct ones with *. For true/false write only * True or * False."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = current_competences()

    def choices(self) -> list[tuple[str, bool]]:
        rows = []
        for line in (self.cleaned_data.get("answers") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            correct = line.startswith("*")
            rows.append((line.lstrip("*").strip(), correct))
        if self.cleaned_data.get("kind") == QuestionKind.TRUE_FALSE:
            true_correct = any(c and t.lower() in {"true", "đúng", "dung"} for t, c in rows)
            return [(str(_("True")), true_correct), (str(_("False")), not true_correct)]
        return rows


class AssessmentForm(forms.ModelForm):
    competence = CompetenceField(queryset=Competence.objects.none(), label=_("Competence"))

    class Meta:
        model = Assessment
        fields = [
            "title",
            "competence",
            "step",
            "question_count",
            "time_limit_minutes",
            "max_attempts",
            "pass_percent",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = current_competences()


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "description",
            "starts_on",
            "ends_on",
            "target_percent",
            "definition",
            "units",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        unit = unit or self.instance.unit
        self.fields["definition"].queryset = DigitalSkillsDefinition.objects.visible_to(user)
        # The organiser and the units directly below it.
        self.fields["units"].queryset = unit.subtree().active().filter(depth__lte=unit.depth + 1)


class PlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["title", "description", "starts_on", "ends_on", "planned_count", "actual_count"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class NewVersionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
