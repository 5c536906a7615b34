"""Demo organisation: the Quảng Ninh provincial federation of labour, invented enterprises.

Unit codes are deterministic, so running the demo twice creates nothing new; ``--units N``
grows the number of grassroots unions for benchmarks.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from congdoan.common.demo import DEMO_PASSWORD, DemoContext

from . import divisions
from .choices import Ownership, Role, UnitKind
from .models import RoleAssignment, Unit
from .paths import prefix_q

ROOT_CODE = "LDLD-QN"
PROVINCE = 22  # Quảng Ninh

SECTORS = [
    ("CDN-YT", "Công đoàn ngành Y tế tỉnh Quảng Ninh", "CĐN"),
    ("CDN-GD", "Công đoàn ngành Giáo dục tỉnh Quảng Ninh", "CĐN"),
    ("CDN-CT", "Công đoàn ngành Công Thương tỉnh Quảng Ninh", "CĐN"),
    ("CDN-XD", "Công đoàn ngành Xây dựng – Giao thông tỉnh Quảng Ninh", "CĐN"),
]
ZONE = ("CD-KCN", "Công đoàn các Khu công nghiệp tỉnh Quảng Ninh", "CĐKCN")
WARD_NAMES = [
    "Phường Hạ Long",
    "Phường Bãi Cháy",
    "Phường Cẩm Phả",
    "Phường Uông Bí",
    "Phường Móng Cái 1",
    "Phường Đông Triều",
    "Phường Quảng Yên",
    "Xã Tiên Yên",
]

VN_PREFIXES = [
    "Hưng Thịnh",
    "Minh Phát",
    "Đông Bắc",
    "Hạ Long Xanh",
    "Bình An",
    "Tân Tiến",
    "Việt Hưng",
    "Sao Mai",
    "Hoàng Long",
    "Phú Cường",
    "Kim Sơn",
    "Thành Công",
    "An Phú",
    "Đại Dương",
    "Hải Đăng",
    "Trường Xuân",
    "Quang Minh",
    "Bạch Đằng",
    "Yên Tử",
    "Vân Đồn",
]
VN_TRADES = [
    "May mặc",
    "Cơ khí",
    "Chế biến thủy sản",
    "Chế biến gỗ",
    "Vật liệu xây dựng",
    "Vận tải biển",
    "Du lịch",
    "Khách sạn",
    "Thực phẩm",
    "Bao bì",
    "Xây lắp",
    "Nhiệt điện",
    "Khai khoáng",
]
FOREIGN_NAMES = [
    "Sunrise Textile",
    "Hanse Electronics",
    "Orient Precision",
    "Pacific Wire",
    "Greenfield Foods",
    "Nova Fiber",
    "Lotus Components",
    "Jinhua Garment",
    "Meridian Cable",
    "Kite Optics",
    "Blue Harbor Packaging",
    "Evergreen Shoes",
    "Summit Auto Parts",
    "Asahi Mold",
    "Delta Solar",
]
GROUP_NAMES = [
    "Tổ công đoàn Phân xưởng 1",
    "Tổ công đoàn Phân xưởng 2",
    "Tổ công đoàn Văn phòng",
    "Tổ công đoàn Ca A",
    "Tổ công đoàn Ca B",
]


def database_is_empty() -> bool:
    return not Unit.objects.exists()


def non_demo_data_present() -> bool:
    root = Unit.objects.filter(code=ROOT_CODE, depth=1).first()
    if root is None:
        return Unit.objects.exists()
    return Unit.objects.exclude(prefix_q(root.path)).exists()


def _child(parent: Unit, code: str, name: str, kind: str, **fields) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing:
        return existing
    parent = Unit.objects.get(pk=parent.pk)  # fresh numchild/path after earlier inserts
    unit = Unit(code=code, name=name, kind=kind, province_code=PROVINCE, **fields)
    return Unit.objects.add_child(parent, instance=unit)


def _worker_count(rng) -> int:
    # Most enterprises are small; a few employ thousands (log-uniform 50–5,000).
    return int(round(50 * (100 ** rng.random()), -1))


def _enterprise(rng, index: int, foreign: bool) -> tuple[str, str]:
    if foreign:
        base = FOREIGN_NAMES[index % len(FOREIGN_NAMES)]
        suffix = "" if index < len(FOREIGN_NAMES) else f" {index // len(FOREIGN_NAMES) + 1}"
        return f"Công ty TNHH {base}{suffix} Việt Nam", Ownership.FOREIGN_INVESTED
    prefix = rng.choice(VN_PREFIXES)
    trade = rng.choice(VN_TRADES)
    form = rng.choice(["Công ty TNHH", "Công ty Cổ phần"])
    return f"{form} {trade} {prefix}", rng.choice(
        [Ownership.PRIVATE, Ownership.PRIVATE, Ownership.STATE]
    )


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = Unit.objects.add_root(
            instance=Unit(
                code=ROOT_CODE,
                name="Liên đoàn Lao động tỉnh Quảng Ninh",
                abbreviation="LĐLĐ",
                kind=UnitKind.PROVINCIAL_FEDERATION,
                province_code=PROVINCE,
                address="Số 2 đường Nguyễn Văn Cừ, phường Hạ Long, tỉnh Quảng Ninh",
            )
        )
    uppers = [
        _child(root, code, name, UnitKind.SECTOR_UNION, abbreviation=abbr)
        for code, name, abbr in SECTORS
    ]
    zone = _child(root, ZONE[0], ZONE[1], UnitKind.INDUSTRIAL_ZONE_UNION, abbreviation=ZONE[2])
    uppers.append(zone)
    wards = {name: code for code, name in divisions.communes_of(PROVINCE)}
    for i, ward in enumerate(WARD_NAMES):
        commune = wards.get(ward)
        uppers.append(
            _child(
                root,
                f"CD-P{i + 1:02d}",
                f"Công đoàn {ward[0].lower()}{ward[1:]}",
                UnitKind.COMMUNE_UNION,
                abbreviation="CĐ",
                commune_code=commune,
            )
        )

    target = ctx.options.get("units") or 150
    made = Unit.objects.filter(code__startswith="QN-CDCS-", kind=UnitKind.GRASSROOTS_UNION)
    existing = made.count()
    grassroots: list[Unit] = list(made.order_by("code"))
    for n in range(existing + 1, target + 1):
        foreign = n % 3 == 0
        parent = zone if foreign else uppers[n % len(uppers)]
        if parent is zone:
            foreign = True
        employer, ownership = _enterprise(rng, n, foreign)
        if parent.kind == UnitKind.SECTOR_UNION and not foreign:
            ownership = Ownership.STATE
        unit = _child(
            parent,
            f"QN-CDCS-{n:04d}",
            f"Công đoàn cơ sở {employer}",
            UnitKind.GRASSROOTS_UNION,
            abbreviation="CĐCS",
            employer_name=employer,
            ownership=ownership,
            employer_tax_code=f"57{rng.randrange(10**7, 10**8)}",
            worker_count=_worker_count(rng),
            commune_code=parent.commune_code or rng.choice(list(wards.values())),
        )
        grassroots.append(unit)
    for unit in grassroots[:25]:
        for g, group in enumerate(GROUP_NAMES[: 2 + (unit.pk % 3)]):
            _child(unit, f"{unit.code}-T{g + 1}", group, UnitKind.UNION_GROUP)

    officer_unit = Unit.objects.get(code="QN-CDCS-0001")
    ctx.data.update(root=root, zone=zone, officer_unit=officer_unit)
    _users(root, zone, officer_unit)
    ctx.log(f"demo org: {Unit.objects.filter(prefix_q(root.path)).count()} units")


def _users(root: Unit, zone: Unit, officer_unit: Unit) -> None:
    User = get_user_model()
    people = [
        ("federation_admin", "Nguyễn Thị Hồng Hạnh", root, Role.ADMINISTRATOR),
        ("grassroots_officer", "Trần Văn Đức", officer_unit, Role.OFFICER),
        ("trainer", "Phạm Thu Trang", zone, Role.TRAINER),
        ("member", "Lê Văn Hùng", None, None),
    ]
    for username, full_name, unit, role in people:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@demo.congdoan.local"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if unit is not None:
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
