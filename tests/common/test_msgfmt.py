import gettext
from pathlib import Path

from congdoan.common.msgfmt import compile_tree, parse_po, write_mo

PO = """# comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Organisation"
msgstr "Tổ chức"

#, fuzzy
msgid "Draft"
msgstr "Nháp?"

msgid "Untranslated"
msgstr ""

msgctxt "unit"
msgid "Kind"
msgstr "Loại"

msgid "one unit"
msgid_plural "%(n)s units"
msgstr[0] "%(n)s đơn vị"

msgid ""
"Long "
"text"
msgstr ""
"Văn bản "
"dài"
"""


def test_compiled_catalogue_is_read_by_gettext(tmp_path: Path):
    mo = tmp_path / "django.mo"
    write_mo(parse_po(PO), mo)
    with mo.open("rb") as fh:
        t = gettext.GNUTranslations(fh)
    assert t.gettext("Organisation") == "Tổ chức"
    assert t.gettext("Draft") == "Draft"  # fuzzy entries are skipped
    assert t.gettext("Untranslated") == "Untranslated"
    assert t.pgettext("unit", "Kind") == "Loại"
    assert t.ngettext("one unit", "%(n)s units", 3) == "%(n)s đơn vị"
    assert t.gettext("Long text") == "Văn bản dài"


def test_every_committed_vietnamese_catalogue_is_complete():
    """No empty or fuzzy translation in a committed vi catalogue: the UI must not fall back to English."""
    root = Path(__file__).resolve().parents[2] / "congdoan"
    catalogues = list(root.rglob("locale/vi/LC_MESSAGES/django.po"))
    assert catalogues, "no Vietnamese catalogue committed"
    for po in catalogues:
        text = po.read_text(encoding="utf-8")
        assert "#, fuzzy" not in text.split("\n\n", 1)[1], f"fuzzy entries in {po}"
        declared = sum(1 for line in text.splitlines() if line.startswith("msgid "))
        translated = len(parse_po(text))  # drops empty translations; keeps the header
        assert translated == declared, f"{declared - translated} untranslated entries in {po}"
    assert compile_tree(root)


def test_third_party_catalogue_never_overrides_an_app_translation():
    """congdoan/locale wins over every app catalogue, so allauth.po must not carry a msgid
    that an app translates differently (it once turned skills' "Sessions" into login sessions)."""
    root = Path(__file__).resolve().parents[2] / "congdoan"
    third_party = parse_po((root / "locale/vi/LC_MESSAGES/allauth.po").read_text(encoding="utf-8"))
    clashes = []
    for po in root.glob("*/locale/vi/LC_MESSAGES/django.po"):
        for msgid, text in parse_po(po.read_text(encoding="utf-8")).items():
            if msgid and msgid in third_party and third_party[msgid] != text:
                clashes.append((po.parts[-5], msgid, text, third_party[msgid]))
    assert not clashes
