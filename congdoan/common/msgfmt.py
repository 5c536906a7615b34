"""Compile gettext ``.po`` catalogues to ``.mo`` without GNU gettext.

A fresh machine may lack ``msgfmt``; ``make run`` and ``make test`` compile the committed
``.po`` files with this instead. Fuzzy entries are skipped, as ``msgfmt`` does.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path


def parse_po(text: str) -> dict[str, str]:
    """Map each msgid (with ``msgctxt\\x04`` prefix and ``\\x00`` plural joins) to its translation."""
    messages: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    section: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            msgid = "".join(entry["msgid"])
            if "msgid_plural" in entry:
                msgid += "\x00" + "".join(entry["msgid_plural"])
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                msgstr = "\x00".join("".join(entry[k]) for k in forms)
            else:
                msgstr = "".join(entry.get("msgstr", []))
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if msgstr.replace("\x00", "") or msgid == "":
                messages[msgid] = msgstr
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            if "msgid" in entry:
                flush()
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            if not line and "msgid" in entry:
                flush()
            continue
        if line.startswith('"'):
            if section:
                entry[section].append(ast.literal_eval(line))
            continue
        keyword, _, rest = line.partition(" ")
        starts_entry = keyword in ("msgid", "msgctxt")
        if starts_entry and any(k.startswith("msgstr") for k in entry):
            flush()
        section = keyword
        entry[section] = [ast.literal_eval(rest)]
    flush()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), messages[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\x00"
        strs += v + b"\x00"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    output += struct.pack(f"{len(koffsets)}i", *koffsets)
    output += struct.pack(f"{len(voffsets)}i", *voffsets)
    path.write_bytes(output + ids + strs)


def compile_tree(root: Path) -> list[Path]:
    """Compile the catalogues under ``root``; return the ``.mo`` files written.

    Every ``*.po`` of one ``LC_MESSAGES`` folder is merged into its ``django.mo``, with
    ``django.po`` winning on conflicts: translations of third-party strings (allauth ships
    no Vietnamese) live beside ours in their own file that ``makemessages`` leaves alone.
    """
    written = []
    folders = sorted(
        {
            po.parent
            for po in root.rglob("*.po")
            if "node_modules" not in po.parts and ".venv" not in po.parts
        }
    )
    for folder in folders:
        messages: dict[str, str] = {}
        catalogues = sorted(folder.glob("*.po"), key=lambda p: (p.name == "django.po", p.name))
        for po in catalogues:
            messages.update(parse_po(po.read_text(encoding="utf-8")))
        mo = folder / "django.mo"
        write_mo(messages, mo)
        written.append(mo)
    return written
