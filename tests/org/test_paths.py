"""org.paths: the one place that knows how a materialised path is built."""

from congdoan.org.paths import ancestor_paths, is_within, parent_path, root_path


def test_ancestor_paths_top_first():
    assert ancestor_paths("000100020003") == ["0001", "00010002"]
    assert ancestor_paths("000100020003", include_self=True) == [
        "0001",
        "00010002",
        "000100020003",
    ]
    assert ancestor_paths("0001") == []


def test_root_parent_and_within():
    assert root_path("000100020003") == "0001"
    assert parent_path("000100020003") == "00010002"
    assert parent_path("0001") == ""
    assert is_within("000100020003", "00010002")
    assert not is_within("00010003", "00010002")
