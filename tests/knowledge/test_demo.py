"""The knowledge demo: about 60 articles of the province, the zone and QN-CDCS-0001 over every
topic; the demo officer of QN-CDCS-0001 finds the maternity article without accents; a second
run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

from congdoan.common.demo import DemoContext
from congdoan.knowledge import queries
from congdoan.knowledge.choices import Topic
from congdoan.knowledge.models import Article


@pytest.mark.django_db
def test_demo_articles():
    from congdoan.knowledge import demo as knowledge_demo
    from congdoan.org import demo as org_demo

    ctx = DemoContext(options={"units": 12}, stdout=io.StringIO())
    org_demo.build(ctx)
    knowledge_demo.build(ctx)
    count = Article.objects.count()
    assert 55 <= count <= 65
    assert set(Article.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert set(Article.objects.values_list("unit__code", flat=True)) >= {"LDLD-QN", "QN-CDCS-0001"}
    officer = get_user_model().objects.get(username="grassroots_officer")
    found = [a.title for a in queries.articles_for(officer, q="che do thai san")]
    assert "Chế độ thai sản" in found[:3]
    knowledge_demo.build(ctx)
    assert Article.objects.count() == count
