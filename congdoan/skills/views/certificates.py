"""Certificates: the list, the PDF, revocation, and the public verification page a
certificate's QR code opens (it shows only the masked name)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.org.decorators import officers_only

from .. import certificates, queries, services
from ..forms import ReasonForm
from ..models import Certificate
from .pages import form_page


@login_required
@require_GET
@officers_only
def certificate_list(request: HttpRequest) -> HttpResponse:
    qs = Certificate.objects.visible_to(request.user).select_related("member", "unit")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(holder_name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "skills/certificates.html", {"page": page, "q": q})


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = queries.visible_certificate(request.user, number)
    return certificates.pdf_response(certificate)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = queries.visible_certificate(request.user, number, to_change=True)
    form = ReasonForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: services.revoke_certificate(request.user, certificate, form.cleaned_data["reason"]),
        title=_("Revoke certificate %(number)s") % {"number": certificate.number},
        back=reverse("skills:certificates"),
        success=_("Certificate revoked."),
    )


@require_GET
def verify_certificate(request: HttpRequest, number: str) -> HttpResponse:
    """Public: what a QR code on a certificate opens: whether it stands, the course with what it
    certifies, the date and the issuing unit, and the holder's masked name only (never the
    full name, identity number or birth date)."""
    certificate = Certificate.objects.select_related("course").filter(number=number.upper()).first()
    competences = certificate.course.competences.order_by("code") if certificate else ()
    response = render(
        request,
        "skills/verify.html",
        {"c": certificate, "number": number, "competences": competences},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
