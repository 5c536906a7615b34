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
