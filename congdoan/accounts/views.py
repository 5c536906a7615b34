"""The user's own API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from congdoan.common.errors import visible_or_404

from . import services
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)


def _officers_only(request: HttpRequest) -> None:
    """API tokens reach the officers' API; a worker (no role) has no use for one."""
    if not services.is_officer(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    _officers_only(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.issue_token(request.user, form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    visible_or_404(request.user.api_tokens.all(), pk=token_id)
    if services.revoke_token(request.user, token_id):
        messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
