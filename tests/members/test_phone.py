import pytest

from congdoan.common.phone import display_phone, normalize_phone


@pytest.mark.parametrize(
    "typed,e164",
    [
        ("0912 345 678", "+84912345678"),
        ("+84 912.345.678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("912345678", "+84912345678"),
        (912345678.0, "+84912345678"),
        ("(0203) 3825 123", "+842033825123"),
        ("024-3825-1234", "+842438251234"),
        ("", ""),
    ],
)
def test_normalised(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["0112345678", "12345", "09123456789", "phone"])
def test_refused(typed):
    assert normalize_phone(typed) is None


def test_display():
    assert display_phone("+84912345678") == "0912 345 678"
