"""Citizen identity number rules of shared/DOMAIN.md."""

from hypothesis import given
from hypothesis import strategies as st

from congdoan.common import cccd

provinces = st.sampled_from(sorted(cccd.PROVINCE_CODES))
genders = st.sampled_from([cccd.MALE, cccd.FEMALE])
years = st.integers(min_value=1900, max_value=2399)
serials = st.integers(min_value=0, max_value=999_999)


@given(provinces, genders, years, serials)
def test_made_numbers_are_valid_and_decode_back(province, gender, year, serial):
    number = cccd.make(province, gender, year, serial)
    assert len(number) == 12
    assert cccd.problems(number, gender, year) == []
    assert cccd.birth_year(number) == year
    assert cccd.decode(number)[0] == gender


@given(provinces, genders, years, serials)
def test_spreadsheet_numbers_are_restored(province, gender, year, serial):
    number = cccd.make(province, gender, year, serial)
    assert cccd.restore(int(number)) == number
    assert cccd.restore(float(int(number))) == number
    assert cccd.restore(str(int(number)) + ".0") == number
    assert cccd.restore(" " + number[:3] + " " + number[3:] + " ") == number


@given(provinces, genders, years, serials)
def test_wrong_gender_is_reported(province, gender, year, serial):
    number = cccd.make(province, gender, year, serial)
    other = cccd.FEMALE if gender == cccd.MALE else cccd.MALE
    assert [p.code for p in cccd.problems(number, other, year)] == ["gender"]


@given(provinces, genders, st.integers(1900, 2099), serials, st.integers(1, 99))
def test_wrong_year_is_reported(province, gender, year, serial, shift):
    number = cccd.make(province, gender, year, serial)
    wrong = year + shift
    codes = {p.code for p in cccd.problems(number, gender, wrong)}
    assert "year" in codes or "century" in codes


def test_century_digits():
    assert cccd.century_digit("male", 1999) == 0
    assert cccd.century_digit("female", 1999) == 1
    assert cccd.century_digit("male", 2000) == 2
    assert cccd.century_digit("female", 2005) == 3
    assert cccd.century_digit("female", 2150) == 5
    assert cccd.century_digit("male", 2250) == 6
    assert cccd.century_digit("female", 2399) == 9


def test_unknown_province_code_is_refused():
    for prefix in ("003", "005", "023", "097", "100", "000"):
        number = prefix + "090123456"
        assert [p.code for p in cccd.problems(number)] == ["province"]
    assert cccd.problems("022090123456") == []


def test_shape_problems():
    assert cccd.problems("")[0].code == "required"
    assert cccd.problems("02209012345X")[0].code == "digits"
    assert cccd.problems("123456789")[0].code == "old_id"
    assert cccd.problems("0220901234567")[0].code == "length"


def test_restore_leaves_other_lengths_alone():
    assert cccd.restore(123456789) == "123456789"  # an old 9-digit card is not padded
    assert cccd.restore("1090123456") == "001090123456"
    assert cccd.restore("2.2090123456E+10") == "022090123456"
    assert cccd.restore(None) == ""


def test_mask():
    assert cccd.mask("022090123445") == "022*******45"
    assert cccd.mask("") == ""


def test_year_message_mentions_the_digits():
    [problem] = cccd.problems("022085123456", "male", 1990)
    assert problem.code == "year" and "85" in problem.message and "90" in problem.message
