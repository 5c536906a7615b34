"""Writing articles: scope, permission, dates, versions, attachments within the limits, votes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from congdoan.knowledge import services
from congdoan.knowledge.choices import ArticleStatus, Topic
from congdoan.knowledge.models import Article, Attachment, Vote
from tests.conftest import make_user


def test_an_officer_writes_for_a_unit_of_their_subtree(tree, officer_a):
    article = services.create_article(
        officer_a, tree.gr_a1, title="Chế độ nghỉ phép", body="12 ngày", topic=Topic.REGIMES
    )
    assert article.status == ArticleStatus.DRAFT and article.created_by == officer_a
    assert article.search_text == "che do nghi phep 12 ngay"


def test_outside_the_subtree_is_not_found_and_a_viewer_may_not_write(articles, officer_b, tree):
    with pytest.raises(Http404):
        services.create_article(officer_b, tree.zone, title="X", topic=Topic.POLICIES)
    with pytest.raises(Http404):
        services.update_article(officer_b, articles.art_zone, title="X")
    viewer = make_user("viewer", tree.zone, "viewer")
    with pytest.raises(PermissionDenied):
        services.update_article(viewer, articles.art_zone, title="X")
    assert Article.objects.get(pk=articles.art_zone.pk).title == "Phúc lợi khu công nghiệp"


def test_a_lower_officer_may_not_edit_what_is_above_them(articles, grassroots_a):
    with pytest.raises(PermissionDenied):
        services.update_article(grassroots_a, articles.art_prov, title="X")


def test_end_before_start_is_refused(tree, officer_a):
    with pytest.raises(ValidationError) as caught:
        services.create_article(
            officer_a,
            tree.zone,
            title="X",
            topic=Topic.POLICIES,
            effective_from="2026-05-01",
            effective_to="2026-01-01",
        )
    assert "effective_to" in caught.value.message_dict


def test_every_version_is_kept(articles, admin_user):
    article = services.update_article(
        admin_user, articles.art_prov, body="Nghỉ 6 tháng, hưởng 100 %."
    )
    services.update_article(admin_user, article, title="Chế độ thai sản (2026)")
    versions = list(article.history.order_by("history_id").values_list("title", "body"))
    assert [v[0] for v in versions] == [
        "Chế độ thai sản",
        "Chế độ thai sản",
        "Chế độ thai sản (2026)",
    ]
    assert versions[0][1] == "Lao động nữ được nghỉ sinh con 6 tháng."


def test_in_force_by_dates(tree, officer_a):
    from datetime import date

    services.create_article(
        officer_a, tree.zone, title="Cũ", topic=Topic.POLICIES, effective_to=date(2020, 1, 1)
    )
    services.create_article(officer_a, tree.zone, title="Mới", topic=Topic.POLICIES)
    assert [a.title for a in Article.objects.in_force(date(2026, 1, 1))] == ["Mới"]


def test_one_vote_per_reader_the_last_counts(articles, grassroots_a, officer_a):
    services.vote(grassroots_a, articles.art_prov, True)
    services.vote(grassroots_a, articles.art_prov, True)
    article = services.vote(officer_a, articles.art_prov, True)
    assert (article.useful_count, article.not_useful_count) == (2, 0)
    article = services.vote(grassroots_a, articles.art_prov, False)
    assert (article.useful_count, article.not_useful_count) == (1, 1)
    assert Vote.objects.count() == 2
    stored = Article.objects.get(pk=article.pk)
    assert (stored.useful_count, stored.not_useful_count) == (1, 1)


def test_votes_do_not_make_versions(articles, grassroots_a):
    before = articles.art_prov.history.count()
    services.vote(grassroots_a, articles.art_prov, True)
    assert articles.art_prov.history.count() == before


def test_a_draft_takes_no_votes(articles, admin_user):
    with pytest.raises(Http404):
        services.vote(admin_user, articles.draft_prov, True)


def test_attachments_are_held_to_the_upload_limit(articles, officer_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        services.add_attachment(
            officer_a, articles.art_zone, SimpleUploadedFile("big.pdf", b"x" * 2000)
        )
    assert "file" in caught.value.message_dict
    assert not Attachment.objects.exists() and not any(tmp_path.rglob("*.pdf"))
    attachment = services.add_attachment(
        officer_a, articles.art_zone, SimpleUploadedFile("mau-don.pdf", b"%PDF-1.4 ok")
    )
    assert attachment.size == 11 and attachment.name == "mau-don.pdf"
    assert attachment.file.read() == b"%PDF-1.4 ok"


def test_attaching_outside_scope_is_not_found(articles, officer_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Http404):
        services.add_attachment(officer_b, articles.art_zone, SimpleUploadedFile("a.pdf", b"x"))
    assert not any(tmp_path.rglob("*"))
