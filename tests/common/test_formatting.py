"""Figures read the Vietnamese way in Vietnamese (59.381) and the English way in English
(59,381), without site-wide grouping of ids and years; "about" figures keep two digits."""

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from congdoan.common.formatting import group_digits, rounded


@pytest.mark.parametrize(("lang", "expected"), [("vi", "59.381"), ("en", "59,381")])
def test_digits_grouped_by_language(lang, expected):
    with translation.override(lang):
        assert group_digits(59381) == expected
        assert intcomma(59381) == expected  # Django's vi formats lacked NUMBER_GROUPING
        assert Template("{% load formatting %}{{ n|number }}").render(Context({"n": 59381})) == (
            expected
        )


def test_plain_output_stays_ungrouped():
    # Ids and years printed into links and attributes keep their digits together.
    with translation.override("vi"):
        assert Template("{{ n }}").render(Context({"n": 2025})) == "2025"


def test_phone_filter():
    out = Template("{% load formatting %}{{ p|phone }}").render(Context({"p": "+84912345678"}))
    assert out == "0912 345 678"


@pytest.mark.parametrize(
    ("n", "expected"), [(59381, 59000), (1_234_567, 1_200_000), (42, 42), (10_001, 10_000)]
)
def test_rounded(n, expected):
    assert rounded(n) == expected
