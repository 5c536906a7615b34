"""Lists of units and communes in Vietnamese order on both databases: by the folded name, so
"Đông Triều" sits among the D's (after "Cẩm Phả"), not after "Uông Bí" as byte order puts it."""

from congdoan.common.text import fold
from congdoan.org import divisions, queries
from congdoan.org.choices import UnitKind

from ..conftest import make_unit


def test_children_in_vietnamese_order(tree, admin_user):
    for code, name in [
        ("UB", "Công đoàn Uông Bí"),
        ("DT", "Công đoàn Đông Triều"),
        ("CP", "Công đoàn Cẩm Phả"),
    ]:
        make_unit(tree.ward, code, name, UnitKind.COMMUNE_UNION)
    tree.refresh()
    names = [u.name for u in queries.children_with_counts(tree.ward)]
    assert names.index("Công đoàn Cẩm Phả") < names.index("Công đoàn Đông Triều")
    assert names.index("Công đoàn Đông Triều") < names.index("Công đoàn Uông Bí")


def test_search_results_in_vietnamese_order(tree, admin_user):
    for code, name in [
        ("UB", "Công đoàn Uông Bí"),
        ("DT", "Công đoàn Đông Triều"),
        ("CP", "Công đoàn Cẩm Phả"),
    ]:
        make_unit(tree.ward, code, name, UnitKind.COMMUNE_UNION)
    found = [
        u.code
        for u in queries.search_units(admin_user, "cong doan")
        if u.code in {"UB", "DT", "CP"}
    ]
    assert found == ["CP", "DT", "UB"]


def test_communes_in_vietnamese_order():
    names = [name for _code, name in divisions.communes_of(22)]  # Quảng Ninh
    assert names == sorted(names, key=lambda n: (fold(n), n))
    assert any(n.startswith("Phường Đông") or n.startswith("Xã Đ") for n in names)
