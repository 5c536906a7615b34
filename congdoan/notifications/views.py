"""The user's notifications: the bell, the list, marking read, preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import queries, services

PER_PAGE = 20


# htmx stops polling on this status: a tab left open after logging out asks no more.
STOP_POLLING = 286


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's unread count, fetched by the top bar after the page (no query of its own on
    every page) and every minute after. Signed out, it answers nothing to swap (a redirect to
    the login form would put that page inside the bell)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    return render(
        request, "notifications/bell.html", {"unread": queries.unread_count(request.user)}
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        queries.notifications_for(request.user, unread=unread_only), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": queries.unread_count(request.user),
        },
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open`` go on to the page it links to."""
    notification = services.mark_read(request.user, pk)
    target = notification.url
    if (
        "open" in request.POST
        and target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return "notifications:list"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = set()
        for value in request.POST.getlist("on"):
            kind, _sep, channel = value.partition(":")
            chosen.add((kind, channel))
        services.set_preferences(request.user, chosen)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": queries.preference_rows(request.user),
            "vapid_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        },
    )


@login_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    services.send_test(request.user)
    messages.success(request, _("A test notification is on its way."))
    return redirect("notifications:preferences")
