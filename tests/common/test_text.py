import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congdoan.common.text import fold, normalize_text


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("quang ninh", "Quảng Ninh"),
        ("QUANG NINH", "Quảng Ninh"),
        ("d", "đ"),
        ("dong bac", "Đông Bắc"),
        ("hoa binh", "Hoà Bình"),
        ("hoa binh", "Hòa Bình"),
        ("nguyen van a", "Nguyễn Văn An"),
    ],
)
def test_fold_matches_what_people_type(typed, stored):
    assert fold(typed) in fold(stored)


def test_old_and_new_tone_placement_fold_alike():
    assert fold("hoà") == fold("hòa") == fold("HOÀ") == "hoa"
    assert fold("thuỷ") == fold("thủy") == "thuy"


def test_nfd_input_is_normalised():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Văn   An ")
    assert normalize_text(nfd) == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert fold(nfd) == "nguyen van an"


@given(st.text())
def test_fold_is_idempotent_and_ascii(text):
    once = fold(text)
    assert fold(once) == once
    assert all(ch.isascii() for ch in once)


_SPACES = re.compile(r"\s+")


def _reference_fold(value):
    """``fold`` as defined: the whole text at once, character by character."""
    text = unicodedata.normalize("NFD", value).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", re.sub(r"[^0-9a-z]+", " ", text)).strip()


def _reference_normalize(value):
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


_TEXT = (
    st.text(
        alphabet=st.sampled_from(
            list("aAdđĐeêoơuưyiỳ ̀ ́ ̉ ̃ ̣-.'\t\n\u00a0\u2003,0z") + ["Ǆ", "ﬁ", "İ"]
        )
    )
    | st.text()
)


@given(_TEXT)
def test_fold_word_by_word_equals_the_whole_text_definition(text):
    assert fold(text) == _reference_fold(text)
    assert fold(text) == fold(text)  # the memoised words give the same answer again


@given(_TEXT)
def test_normalize_fast_path_equals_the_definition(text):
    assert normalize_text(text) == _reference_normalize(text)
