"""Forms of the knowledge pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdoan.common.uploads import validate_upload_size
from congdoan.org.models import Unit

from .choices import Topic
from .models import Article


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices]
    )


class ArticleForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    class Meta:
        model = Article
        fields = ["unit", "title", "topic", "status", "effective_from", "effective_to", "body"]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        if self.instance.pk:
            del self.fields["unit"]

    def article_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "unit"}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), validators=[validate_upload_size])
