"""Demo organisation: the Quảng Ninh provincial federation of labour, invented enterprises
under the upper unions that fit them (hospitals under the health union, schools under the
education union, factories in the industrial parks, small firms and cooperatives under the
commune and ward unions).

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
PLACES = [
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Đông Triều",
    "Quảng Yên",
    "Tiên Yên",
    "Vân Đồn",
    "Bãi Cháy",
    "Hoành Bồ",
    "Cô Tô",
    "Bình Liêu",
    "Hải Hà",
    "Đầm Hà",
    "Ba Chẽ",
]
# Vietnamese schools are named after people of the nation's history.
SCHOOL_PATRONS = [
    "Trần Phú",
    "Lê Quý Đôn",
    "Nguyễn Trãi",
    "Chu Văn An",
    "Hòn Gai",
    "Bạch Đằng",
    "Trần Hưng Đạo",
    "Lê Thánh Tông",
    "Ngô Quyền",
    "Hoàng Văn Thụ",
    "Kim Đồng",
    "Võ Thị Sáu",
    "Lý Thường Kiệt",
    "Nguyễn Bỉnh Khiêm",
    "Quang Trung",
]
# What a grassroots union under each kind of upper unit is at: a sector union has the public
# units and enterprises of its sector, a commune or ward union the small enterprises and
# cooperatives of its area, the industrial-zone union the factories of the parks.
HEALTH_UNITS = [
    "Bệnh viện Đa khoa khu vực {place}",
    "Trung tâm Y tế {place}",
    "Bệnh viện Y dược cổ truyền {place}",
    "Phòng khám Đa khoa {place}",
]
SCHOOL_LEVELS = [
    "Trường THPT {patron}",
    "Trường THCS {patron}",
    "Trường Tiểu học {patron}",
    "Trường Mầm non {place}",
]
SECTOR_TRADES = {
    "CDN-CT": [
        "Nhiệt điện",
        "Cơ khí",
        "Thương mại",
        "Xăng dầu",
        "Chế biến thủy sản",
        "Thực phẩm",
        "Chế biến gỗ",
        "May mặc",
        "Điện lực",
    ],
    "CDN-XD": [
        "Xây dựng",
        "Xây lắp",
        "Vật liệu xây dựng",
        "Vận tải biển",
        "Vận tải hành khách",
        "Cầu đường",
        "Tư vấn thiết kế xây dựng",
        "Cảng biển",
    ],
}
LOCAL_TRADES = [
    "Du lịch",
    "Khách sạn",
    "Nhà hàng",
    "Thương mại và Dịch vụ",
    "Vận tải",
    "Dịch vụ môi trường",
]
LOCAL_COOPERATIVES = [
    "Hợp tác xã Nuôi trồng thủy sản {place}",
    "Hợp tác xã Nông nghiệp {place}",
    "Hợp tác xã Dịch vụ vận tải {place}",
]
PARK_TRADES = ["Cơ khí chính xác", "Điện tử", "Linh kiện ô tô", "May mặc", "Bao bì", "Sợi"]
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


def _company(rng, trades: list[str]) -> str:
    form = rng.choice(["Công ty TNHH", "Công ty Cổ phần"])
    return f"{form} {rng.choice(trades)} {rng.choice(VN_PREFIXES)}"


def _enterprise(rng, index: int, parent: Unit) -> tuple[str, str, int]:
    """(employer name, ownership, workers) of the ``index``-th grassroots union under
    ``parent``: what a union of that kind of upper unit really has below it."""
    place = rng.choice(PLACES)
    if parent.kind == UnitKind.INDUSTRIAL_ZONE_UNION:
        if index % 4:  # most factories in the parks are foreign-invested
            base = FOREIGN_NAMES[index % len(FOREIGN_NAMES)]
            suffix = "" if index < len(FOREIGN_NAMES) else f" {index // len(FOREIGN_NAMES) + 1}"
            return f"Công ty TNHH {base}{suffix} Việt Nam", Ownership.FOREIGN_INVESTED, 0
        return _company(rng, PARK_TRADES), Ownership.PRIVATE, 0
    if parent.code == "CDN-YT":
        name = rng.choice(HEALTH_UNITS).format(place=place)
        return name, Ownership.STATE, rng.randrange(60, 900)
    if parent.code == "CDN-GD":
        name = rng.choice(SCHOOL_LEVELS).format(patron=rng.choice(SCHOOL_PATRONS), place=place)
        return name, Ownership.STATE, rng.randrange(25, 120)
    if parent.code in SECTOR_TRADES:
        ownership = rng.choice([Ownership.STATE, Ownership.PRIVATE, Ownership.PRIVATE])
        return _company(rng, SECTOR_TRADES[parent.code]), ownership, 0
    # A commune or ward union: small enterprises and cooperatives of its area.
    area = parent.name.removeprefix("Công đoàn ").split(" ", 1)[-1]
    if rng.random() < 0.25:
        name = rng.choice(LOCAL_COOPERATIVES).format(place=area)
        return name, Ownership.PRIVATE, rng.randrange(15, 80)
    return _company(rng, LOCAL_TRADES), Ownership.PRIVATE, rng.randrange(15, 300)


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
        parent = zone if n % 3 == 0 else uppers[n % len(uppers)]
        employer, ownership, workers = _enterprise(rng, n, parent)
        unit = _child(
            parent,
            f"QN-CDCS-{n:04d}",
            f"Công đoàn cơ sở {employer}",
            UnitKind.GRASSROOTS_UNION,
            abbreviation="CĐCS",
            employer_name=employer,
            ownership=ownership,
            employer_tax_code=f"57{rng.randrange(10**7, 10**8)}",
            worker_count=workers or _worker_count(rng),
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
