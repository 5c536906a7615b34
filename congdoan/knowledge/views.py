"""Knowledge pages: the list with search, an article, writing one (thin: services do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdoan.common.errors import visible_or_404
from congdoan.common.views import form_page
from congdoan.org.choices import UNIT_EDITORS
from congdoan.org.models import Unit

from . import queries, services
from .choices import ArticleStatus
from .forms import ArticleForm, AttachmentForm, SearchForm
from .models import Article, Attachment

PAGE_SIZE = 20


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = topic = ""
    if form.is_valid():
        q, topic = form.cleaned_data["q"], form.cleaned_data["topic"]
    found = queries.articles_for(request.user, q=q, topic=topic)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    editable_units = Unit.objects.visible_to(request.user, UNIT_EDITORS)
    return render(
        request,
        "knowledge/list.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "topic": topic,
            "can_write": editable_units.exists(),
        },
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.visible_article(request.user, pk)
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "attachments": list(article.attachments.all()),
            "my_vote": queries.vote_of(request.user, article),
            "can_edit": services.can_edit(request.user, article.unit),
            "published": article.status == ArticleStatus.PUBLISHED,
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.visible_to(request.user, UNIT_EDITORS)
    form = ArticleForm(request.POST or None, units=units)
    return form_page(
        request,
        form,
        lambda: services.create_article(
            request.user, form.cleaned_data["unit"], **form.article_fields()
        ),
        template="knowledge/form.html",
        context={"article": None},
        success=_("The article was saved."),
        then=lambda article: article_url(article.pk),
    )


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.visible_article(request.user, pk)
    if not services.can_edit(request.user, article.unit):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, instance=article)
    return form_page(
        request,
        form,
        lambda: services.update_article(request.user, article, **form.article_fields()),
        template="knowledge/form.html",
        context={"article": article},
        success=_("The article was saved."),
        then=lambda saved: article_url(saved.pk),
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.visible_article(request.user, pk)
    services.vote(request.user, article, request.POST.get("useful") == "1")
    return redirect(article_url(pk))


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.visible_article(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, article, form.cleaned_data["file"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(article_url(pk))


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = visible_or_404(
        Attachment.objects.filter(article__in=Article.objects.visible_to(request.user)),
        pk=pk,
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def article_url(pk: int) -> str:
    return reverse("knowledge:detail", args=[pk])
