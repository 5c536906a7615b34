"""Vietnamese administrative divisions after 1 July 2025, from the ``vietnam-provinces`` package.

Never hand-write division lists: this module only indexes the package's data.
"""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from congdoan.common.text import fold


@lru_cache(maxsize=1)
def provinces() -> list[tuple[int, str]]:
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda x: x[0])


@lru_cache(maxsize=1)
def _province_names() -> dict[int, str]:
    return dict(provinces())


@lru_cache(maxsize=1)
def _communes() -> dict[int, tuple[str, int]]:
    return {int(w.code): (w.name, int(w.province_code)) for w in Ward.iter_all()}


def province_name(code: int | None) -> str:
    return _province_names().get(int(code), "") if code else ""


def commune_name(code: int | None) -> str:
    entry = _communes().get(int(code)) if code else None
    return entry[0] if entry else ""


def commune_in_province(commune_code: int, province_code: int) -> bool:
    entry = _communes().get(int(commune_code))
    return bool(entry) and entry[1] == int(province_code)


def communes_of(province_code: int) -> list[tuple[int, str]]:
    return sorted(
        ((code, name) for code, (name, prov) in _communes().items() if prov == int(province_code)),
        key=lambda x: (
            fold(x[1]),
            x[1],
        ),  # Vietnamese order: "Đông …" among the D's, not after "Yên …"
    )


__all__ = [
    "Province",
    "ProvinceCode",
    "Ward",
    "WardCode",
    "provinces",
    "province_name",
    "commune_name",
    "commune_in_province",
    "communes_of",
]
