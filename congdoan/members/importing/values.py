"""Reading one cell as a member's value: gender, ethnic group, religion, education and
qualification as officers write them ("Nữ", "Kinh", "12/12", "ĐH"), provinces and communes
by name after the 2025 merger. A parser gives None for a value it does not recognise."""

from __future__ import annotations

from congdoan.common.spreadsheets import cell_text
from congdoan.common.text import fold
from congdoan.org import divisions

from ..choices import EducationLevel, Ethnicity, Gender, Qualification, Religion
from ..services import choice_values

_GENDERS = {
    "nam": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "trai": Gender.MALE,
    "nu": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "gai": Gender.FEMALE,
}
_ETHNICITIES = {fold(label): value for value, label in Ethnicity.choices}
_ETHNICITIES.update(
    {
        "hmong": "08",
        "h mong": "08",
        "meo": "08",
        "kho me": "05",
        "khome": "05",
        "viet": "01",
        "ede": "12",
        "e de": "12",
        "bana": "13",
        "jrai": "10",
        "giarai": "10",
        "gia lai": "10",
        "van kieu": "23",
        "bru": "23",
        "hoa han": "04",
        "nguoi hoa": "04",
    }
)
_RELIGIONS = {
    "khong": Religion.NONE,
    "none": Religion.NONE,
    "khong co": Religion.NONE,
    "no": Religion.NONE,
    "phat giao": Religion.BUDDHISM,
    "dao phat": Religion.BUDDHISM,
    "phat": Religion.BUDDHISM,
    "buddhism": Religion.BUDDHISM,
    "cong giao": Religion.CATHOLICISM,
    "thien chua giao": Religion.CATHOLICISM,
    "thien chua": Religion.CATHOLICISM,
    "catholic": Religion.CATHOLICISM,
    "catholicism": Religion.CATHOLICISM,
    "tin lanh": Religion.PROTESTANTISM,
    "dao tin lanh": Religion.PROTESTANTISM,
    "protestant": Religion.PROTESTANTISM,
    "cao dai": Religion.CAODAISM,
    "dao cao dai": Religion.CAODAISM,
    "hoa hao": Religion.HOA_HAO,
    "phat giao hoa hao": Religion.HOA_HAO,
    "hoi giao": Religion.ISLAM,
    "islam": Religion.ISLAM,
}
_QUALIFICATIONS = [
    ("tien si", Qualification.DOCTORATE),
    ("doctor", Qualification.DOCTORATE),
    ("phd", Qualification.DOCTORATE),
    ("thac si", Qualification.MASTER),
    ("master", Qualification.MASTER),
    ("dai hoc", Qualification.UNIVERSITY),
    ("cu nhan", Qualification.UNIVERSITY),
    ("ky su", Qualification.UNIVERSITY),
    ("university", Qualification.UNIVERSITY),
    ("bachelor", Qualification.UNIVERSITY),
    ("cao dang", Qualification.COLLEGE),
    ("college", Qualification.COLLEGE),
    ("trung cap", Qualification.INTERMEDIATE),
    ("intermediate", Qualification.INTERMEDIATE),
    ("so cap", Qualification.ELEMENTARY),
    ("elementary", Qualification.ELEMENTARY),
    ("khong", Qualification.NONE),
    ("chua qua dao tao", Qualification.NONE),
    ("lao dong pho thong", Qualification.NONE),
    ("none", Qualification.NONE),
    ("lđpt", Qualification.NONE),
    ("ldpt", Qualification.NONE),
]


def name_case(name: str) -> str:
    """A name typed in capitals in title case, letter by letter as Vietnamese writes it
    ("NGUYỄN VĂN AN" → "Nguyễn Văn An", "ĐỖ THỊ ÁNH" → "Đỗ Thị Ánh"); any other name as typed
    (it may hold capitals on purpose)."""
    if not name.isupper():
        return name
    return " ".join(word[:1] + word[1:].lower() for word in name.split(" "))


def _choice_by_value(choices, text: str):
    return text if text in choice_values(choices) else None


def parse_gender(value) -> str | None:
    key = fold(cell_text(value))
    return _GENDERS.get(key) or _choice_by_value(Gender, key)


def parse_ethnicity(value) -> str | None:
    text = cell_text(value)
    if text.isdigit() and len(text) <= 2:
        return _choice_by_value(Ethnicity, text.zfill(2))
    key = fold(text)
    key = key[len("dan toc ") :] if key.startswith("dan toc ") else key
    return _ETHNICITIES.get(key) or _ETHNICITIES.get(key.replace(" ", ""))


def parse_religion(value) -> str | None:
    key = fold(cell_text(value))
    return (
        _RELIGIONS.get(key) or _choice_by_value(Religion, key) or (Religion.OTHER if key else None)
    )


def parse_education(value) -> str | None:
    text = cell_text(value).replace(" ", "")
    key = fold(cell_text(value))
    if "/" in text:
        done, _slash, system = text.partition("/")
        if done.isdigit() and system in ("10", "12"):
            done_n, top = int(done), int(system)
            if done_n >= top:
                return EducationLevel.UPPER_SECONDARY
            if done_n >= (9 if top == 12 else 7):
                return EducationLevel.LOWER_SECONDARY
            return EducationLevel.PRIMARY
    if key in (
        "thpt",
        "trung hoc pho thong",
        "pho thong trung hoc",
        "upper secondary",
        "ptth",
        "cap 3",
        "12",
    ):
        return EducationLevel.UPPER_SECONDARY
    if key in ("thcs", "trung hoc co so", "lower secondary", "cap 2", "9"):
        return EducationLevel.LOWER_SECONDARY
    if key in ("tieu hoc", "primary", "cap 1", "5"):
        return EducationLevel.PRIMARY
    return _choice_by_value(EducationLevel, key)


def parse_qualification(value) -> str | None:
    key = fold(cell_text(value))
    if key in choice_values(Qualification):
        return key
    for needle, choice in _QUALIFICATIONS:
        if key.startswith(needle) or f" {needle}" in f" {key}":
            return choice
    return None


def _province_index() -> dict[str, int]:
    index = {}
    for code, name in divisions.provinces():
        key = fold(name)
        index[key] = code
        for prefix in ("tinh ", "thanh pho ", "tp "):
            if key.startswith(prefix):
                index[key[len(prefix) :]] = code
    return index


def parse_province(value, cache: dict) -> int | None:
    text = cell_text(value)
    if text.isdigit():
        code = int(text)
        return code if divisions.province_name(code) else None
    index = cache.setdefault("provinces", _province_index())
    key = fold(text)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        if key.startswith(prefix) and key[len(prefix) :] in index:
            return index[key[len(prefix) :]]
    return index.get(key)


def parse_commune(value, province: int | None, cache: dict) -> int | None:
    text = cell_text(value)
    if text.isdigit():
        return int(text)
    if not province:
        return None
    index = cache.setdefault(("communes", province), None)
    if index is None:
        index = {}
        for code, name in divisions.communes_of(province):
            key = fold(name)
            index[key] = code
            for prefix in ("xa ", "phuong ", "dac khu ", "thi tran "):
                if key.startswith(prefix):
                    index.setdefault(key[len(prefix) :], code)
        cache[("communes", province)] = index
    return index.get(fold(text))
