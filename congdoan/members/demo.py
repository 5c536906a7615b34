"""Demo members for the demo province: ~60,000 people with realistic Vietnamese names, ages
and distributions, valid identity numbers, some incomplete records and a few duplicates.

``congdoan demo --members N`` scales it. Members are written with ``bulk.insert_members``
(one history row each, reason "demo"), in batches, so 60,000 take seconds. Idempotent: a
second run only adds what is missing up to N.
"""

from __future__ import annotations

import datetime

from congdoan.common import cccd
from congdoan.common.demo import DemoContext
from congdoan.org import divisions
from congdoan.org.choices import UnitKind
from congdoan.org.models import Unit
from congdoan.org.paths import parent_path, prefix_q

from .bulk import insert_members
from .choices import EducationLevel, MemberStatus, Qualification, Religion
from .models import Member, tree_key
from .services import reserve_card_numbers

DEFAULT_COUNT = 60_000
BATCH = 5_000

# (surname, weight in %) roughly as in national surveys.
SURNAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4.5),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 1),
    ("Đoàn", 0.8),
    ("Lương", 0.6),
    ("Trịnh", 0.6),
    ("Mai", 0.5),
    ("Tạ", 0.3),
]
MALE_MIDDLE = [
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Ngọc",
    "Thanh",
    "Xuân",
    "Công",
    "Đình",
    "Trọng",
]
FEMALE_MIDDLE = [
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Hồng",
    "Minh",
    "Phương",
    "Kim",
    "Mai",
]
MALE_GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoà",
    "Hùng",
    "Huy",
    "Khánh",
    "Lâm",
    "Long",
    "Mạnh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Đạt",
    "Đông",
    "Khoa",
]
FEMALE_GIVEN = [
    "Anh",
    "Ánh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hòa",
    "Hoà",
    "Huệ",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Ngân",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thơm",
    "Thu",
    "Thủy",
    "Thuỷ",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
]
JOBS = [
    "Công nhân may",
    "Công nhân",
    "Công nhân vận hành",
    "Thợ hàn",
    "Thợ cơ khí",
    "Lái xe",
    "Kế toán",
    "Nhân viên văn phòng",
    "Kỹ sư",
    "Tổ trưởng sản xuất",
    "Quản đốc",
    "Nhân viên kinh doanh",
    "Nhân viên kho",
    "Bảo vệ",
    "Điều dưỡng",
    "Giáo viên",
    "Thợ điện",
    "Nhân viên kỹ thuật",
]
HEALTH_JOBS = ["Bác sĩ", "Điều dưỡng", "Dược sĩ", "Kỹ thuật viên xét nghiệm", "Hộ lý", "Kế toán"]
SCHOOL_JOBS = ["Giáo viên", "Giáo viên chủ nhiệm", "Nhân viên thư viện", "Kế toán", "Bảo vệ"]
FACTORY_JOBS = [job for job in JOBS if job not in {"Điều dưỡng", "Giáo viên"}]


def _jobs_for(unit) -> list[str]:
    """Job titles that fit the employer: a hospital's nurses, a school's teachers (org.demo)."""
    employer = unit.employer_name or ""
    if employer.startswith(("Bệnh viện", "Trung tâm Y tế", "Phòng khám")):
        return HEALTH_JOBS
    if employer.startswith("Trường"):
        return SCHOOL_JOBS
    return FACTORY_JOBS


BIRTH_PROVINCES = [
    ("022", 60),
    ("030", 5),
    ("031", 5),
    ("034", 5),
    ("036", 4),
    ("038", 5),
    ("040", 4),
    ("001", 3),
    ("024", 3),
    ("020", 2),
    ("019", 2),
    ("037", 2),
]
ETHNICITIES = [("01", 88), ("02", 3), ("09", 3), ("18", 2), ("04", 1.5), ("07", 1), ("15", 1.5)]
RELIGIONS = [
    (Religion.NONE, 85),
    (Religion.BUDDHISM, 9),
    (Religion.CATHOLICISM, 5),
    (Religion.PROTESTANTISM, 1),
]
EDUCATION = [
    (EducationLevel.UPPER_SECONDARY, 75),
    (EducationLevel.LOWER_SECONDARY, 22),
    (EducationLevel.PRIMARY, 3),
]
QUALIFICATIONS = [
    (Qualification.NONE, 35),
    (Qualification.ELEMENTARY, 15),
    (Qualification.INTERMEDIATE, 14),
    (Qualification.COLLEGE, 12),
    (Qualification.UNIVERSITY, 21),
    (Qualification.MASTER, 3),
]
PHONE_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def build(ctx: DemoContext, count: int | None = None) -> None:
    rng = ctx.rng
    target = count if count is not None else ctx.options.get("members")
    target = DEFAULT_COUNT if target is None else target  # --members 0 means none
    root = ctx.data.get("root") or Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    units = list(
        Unit.objects.filter(
            prefix_q(root.path), kind=UnitKind.GRASSROOTS_UNION, status="active"
        ).order_by("path")
    )
    if not units:
        return
    tree = tree_key(root.path)
    existing = Member.objects.filter(tree=tree).count()
    missing = target - existing
    if missing <= 0:
        ctx.log(f"demo members: {existing} already")
        return
    weights = [min(unit.worker_count or 100, 3000) for unit in units]
    communes = [code for code, _name in divisions.communes_of(root.province_code or 22)] or [None]
    groups: dict[str, list[Unit]] = {}  # by the path of their grassroots union
    for group in Unit.objects.filter(prefix_q(root.path), kind=UnitKind.UNION_GROUP):
        groups.setdefault(parent_path(group.path), []).append(group)
    today = datetime.date(2026, 11, 1)
    made = 0
    index = existing
    duplicates_left = max(3, target // 3000) if existing == 0 else 0
    while made < missing:
        size = min(BATCH, missing - made)
        cards = reserve_card_numbers(tree, size)
        batch = []
        for n in range(size):
            index += 1
            unit = rng.choices(units, weights=weights)[0]
            member = _person(rng, index, unit, tree, communes, today)
            member.card_number = cards[n]
            unit_groups = groups.get(unit.path)
            if unit_groups and rng.random() < 0.8:
                member.group = rng.choice(unit_groups)
            if duplicates_left and index % 997 == 0 and batch:
                # A likely duplicate: the same person entered twice, once without the identity number.
                original = batch[-1]
                member.full_name, member.date_of_birth, member.gender = (
                    original.full_name,
                    original.date_of_birth,
                    original.gender,
                )
                member.cccd, member.phone = "", original.phone
                member.unit = original.unit
                duplicates_left -= 1
            member.prepare()
            batch.append(member)
        insert_members(batch, reason="demo")
        made += size
    if existing == 0:
        _statuses(rng, tree)
    ctx.log(
        f"demo members: {Member.objects.filter(tree=tree).count()} "
        f"({Member.objects.filter(tree=tree, is_complete=True).count()} complete)"
    )


def _person(rng, index: int, unit: Unit, tree: str, communes: list, today: datetime.date) -> Member:
    female = rng.random() < 0.56
    gender = "female" if female else "male"
    surname = _weighted(rng, SURNAMES)
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    full_name = f"{surname} {middle} {given}"
    if rng.random() < 0.12:
        full_name = f"{surname} {middle} {rng.choice(FEMALE_MIDDLE[4:] if female else MALE_MIDDLE[3:])} {given}"
    # Enterprise workers are young: ages 18–60, most between 22 and 40.
    age = min(60, max(18, int(rng.gauss(33, 8))))
    born = today - datetime.timedelta(days=age * 365 + rng.randrange(365))
    province = _weighted(rng, BIRTH_PROVINCES)
    serial = index % 10**6
    if index >= 10**6:  # benchmark sizes: spread over more provinces to keep numbers unique
        province = sorted(cccd.PROVINCE_CODES)[(index // 10**6) % len(cccd.PROVINCE_CODES)]
    number = cccd.make(province, gender, born.year, serial)
    joined = max(
        born + datetime.timedelta(days=18 * 365 + rng.randrange(2000)),
        today - datetime.timedelta(days=rng.randrange(20 * 365)),
    )
    joined = min(joined, today)
    phone = "+84" + rng.choice(PHONE_PREFIXES)[1:] + f"{rng.randrange(10**7):07d}"
    home = rng.choice(communes)
    member = Member(
        full_name=full_name,
        gender=gender,
        date_of_birth=born,
        cccd=number,
        ethnicity=_weighted(rng, ETHNICITIES),
        religion=_weighted(rng, RELIGIONS),
        education_level=_weighted(rng, EDUCATION),
        qualification=_weighted(rng, QUALIFICATIONS),
        phone=phone,
        permanent_province=unit.province_code or 22,
        permanent_commune=home,
        current_province=unit.province_code or 22,
        current_commune=home if rng.random() < 0.7 else rng.choice(communes),
        unit=unit,
        tree=tree,
        job_title=rng.choice(_jobs_for(unit)),
        joined_on=joined,
        status=MemberStatus.ACTIVE,
        status_since=joined,
    )
    # About 30 % of records miss something (the "70 % of member data updated").
    if rng.random() < 0.3:
        for field in rng.sample(
            [
                "phone",
                "ethnicity",
                "education_level",
                "qualification",
                "permanent_commune",
                "current_commune",
                "job_title",
                "cccd",
                "religion",
            ],
            k=rng.randint(1, 3),
        ):
            setattr(member, field, None if field.endswith("commune") else "")
    return member


def _statuses(rng, tree: str) -> None:
    """A few members left, were suspended or died (plain updates: demo history is the admission)."""
    ids = list(Member.objects.filter(tree=tree).values_list("id", flat=True)[::97])
    for n, pk in enumerate(ids):
        status, reason = [
            (MemberStatus.LEFT, "Nghỉ việc"),
            (MemberStatus.LEFT, "Chuyển công tác"),
            (MemberStatus.SUSPENDED, "Không sinh hoạt 6 tháng"),
            (MemberStatus.DECEASED, ""),
        ][n % 4]
        Member.objects.filter(pk=pk).update(
            status=status,
            status_reason=reason,
            status_since=datetime.date(2026, 1 + n % 10, 1 + n % 27),
        )
