"""Demo of the digital skills movement: definitions, the ready course catalogue, a question
bank with assessments, the "Digital Education for All" campaign, an enterprise training plan,
and past sessions whose attendance, skill records and certificates cover a realistic share
of the demo members (about a third meet the basic definition, against a target of 80 %).

Runs after the members demo. Idempotent: catalogue rows are looked up by code; the history
of sessions is written once (bulk inserts, a few seconds for 60,000 members).
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from congdoan.common import cccd
from congdoan.common.demo import DemoContext
from congdoan.members import services as member_services
from congdoan.members.models import Member
from congdoan.org.models import Unit

from .choices import (
    CheckInMethod,
    CourseMode,
    EnrolmentSource,
    EnrolmentStatus,
    QuestionKind,
    RecordSource,
)
from .models import (
    Assessment,
    Attendance,
    Campaign,
    Certificate,
    Choice,
    Competence,
    CourseMaterial,
    DigitalSkillsDefinition,
    Enrolment,
    FrameworkVersion,
    Question,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)
from .models import Course as CourseModel

COURSES = [
    # code, title, competences, mode, hours, description, material links
    (
        "DVC-01",
        "Sử dụng dịch vụ công trực tuyến",
        ["1.1", "2.3"],
        CourseMode.BLENDED,
        4,
        "Tra cứu, nộp hồ sơ và theo dõi kết quả trên Cổng dịch vụ công quốc gia; thanh toán lệ phí trực tuyến.",
        [("Cổng dịch vụ công quốc gia", "https://dichvucong.gov.vn")],
    ),
    (
        "VNEID-01",
        "Cài đặt và sử dụng ứng dụng VNeID",
        ["2.3", "2.6"],
        CourseMode.IN_PERSON,
        3,
        "Đăng ký tài khoản định danh điện tử mức 2, tích hợp giấy tờ, bảo vệ tài khoản VNeID.",
        [("Hướng dẫn sử dụng VNeID", "https://vneid.gov.vn")],
    ),
    (
        "TTDT-01",
        "Thanh toán điện tử an toàn",
        ["2.1", "4.2"],
        CourseMode.IN_PERSON,
        3,
        "Ví điện tử, chuyển khoản bằng mã QR, nhận biết và phòng tránh lừa đảo trực tuyến.",
        [],
    ),
    (
        "ATDL-01",
        "Bảo vệ dữ liệu cá nhân trên môi trường số",
        ["4.1", "4.2"],
        CourseMode.BLENDED,
        4,
        "Mật khẩu mạnh, xác thực hai lớp, quyền riêng tư trên mạng xã hội, Nghị định 13/2023/NĐ-CP.",
        [],
    ),
    (
        "THVP-01",
        "Tin học văn phòng cơ bản",
        ["1.3", "3.1"],
        CourseMode.IN_PERSON,
        16,
        "Soạn thảo văn bản, bảng tính, lưu trữ và chia sẻ tệp trên đám mây.",
        [],
    ),
    (
        "AI-01",
        "Sử dụng trợ lý trí tuệ nhân tạo an toàn",
        ["6.1", "6.2", "6.3"],
        CourseMode.ONLINE,
        4,
        "Đặt câu hỏi hiệu quả, kiểm chứng câu trả lời, không đưa dữ liệu cá nhân và bí mật công việc vào trợ lý AI.",
        [],
    ),
]

QUESTIONS = {
    "4.2": [
        (
            "Mật khẩu nào an toàn nhất?",
            QuestionKind.SINGLE,
            [("12345678", False), ("ngaysinh1990", False), ("Tr@ng-Hoa-Sen-2026!", True)],
        ),
        (
            "Nên bật xác thực hai lớp cho tài khoản ngân hàng và VNeID.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", True), ("Sai", False)],
        ),
        (
            "Những thông tin nào KHÔNG được cung cấp cho người gọi điện tự xưng là ngân hàng?",
            QuestionKind.MULTIPLE,
            [("Mã OTP", True), ("Mật khẩu ứng dụng", True), ("Tên chi nhánh ngân hàng", False)],
        ),
        (
            "Khi nhận tin nhắn trúng thưởng kèm đường link lạ, bạn nên làm gì?",
            QuestionKind.SINGLE,
            [
                ("Bấm vào link để nhận thưởng", False),
                ("Không bấm, xoá tin và báo cho người thân", True),
                ("Chuyển tiếp cho bạn bè", False),
            ],
        ),
        (
            "Đăng ảnh căn cước công dân lên mạng xã hội là an toàn.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", False), ("Sai", True)],
        ),
        (
            "Wi-Fi công cộng không có mật khẩu nên tránh dùng để làm gì?",
            QuestionKind.SINGLE,
            [("Đọc báo", False), ("Chuyển khoản ngân hàng", True), ("Xem bản đồ", False)],
        ),
    ],
    "2.3": [
        (
            "Cổng dịch vụ công quốc gia có địa chỉ nào?",
            QuestionKind.SINGLE,
            [("dichvucong.gov.vn", True), ("dichvucong.com", False), ("dvc-online.net", False)],
        ),
        (
            "Tài khoản định danh điện tử mức 2 dùng để đăng nhập Cổng dịch vụ công.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", True), ("Sai", False)],
        ),
        (
            "Những việc nào làm được trên ứng dụng VNeID?",
            QuestionKind.MULTIPLE,
            [
                ("Thông báo lưu trú", True),
                ("Tích hợp giấy phép lái xe", True),
                ("Rút tiền mặt", False),
            ],
        ),
        (
            "Khi nộp hồ sơ trực tuyến, bạn theo dõi kết quả bằng gì?",
            QuestionKind.SINGLE,
            [
                ("Mã hồ sơ", True),
                ("Số điện thoại của cán bộ", False),
                ("Không theo dõi được", False),
            ],
        ),
        (
            "Có thể thanh toán lệ phí dịch vụ công trực tuyến.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", True), ("Sai", False)],
        ),
    ],
    "6.2": [
        (
            "Trợ lý AI có thể trả lời sai một cách tự tin.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", True), ("Sai", False)],
        ),
        (
            "Thông tin nào KHÔNG nên đưa vào trợ lý AI công cộng?",
            QuestionKind.MULTIPLE,
            [
                ("Số CCCD của người khác", True),
                ("Bảng lương công ty", True),
                ("Câu hỏi về cách viết thư mời", False),
            ],
        ),
        (
            "Cách tốt nhất để dùng câu trả lời của AI về chế độ bảo hiểm là gì?",
            QuestionKind.SINGLE,
            [
                ("Làm theo ngay", False),
                ("Đối chiếu với văn bản chính thức hoặc hỏi cán bộ công đoàn", True),
                ("Đăng lên mạng xã hội", False),
            ],
        ),
        (
            "Mô tả rõ yêu cầu giúp trợ lý AI trả lời tốt hơn.",
            QuestionKind.TRUE_FALSE,
            [("Đúng", True), ("Sai", False)],
        ),
    ],
}

ASSESSMENTS = [
    ("Kiểm tra: Bảo vệ dữ liệu cá nhân (bậc 2)", "4.2", 2, 5),
    ("Kiểm tra: Sử dụng công nghệ số để thực hiện trách nhiệm công dân (bậc 2)", "2.3", 2, 4),
    ("Kiểm tra: Sử dụng trí tuệ nhân tạo (bậc 2)", "6.2", 2, 4),
]

# Course combinations members took, with weights: most took public services + data safety.
COMBOS = [
    (["DVC-01", "ATDL-01"], 45),
    (["DVC-01", "TTDT-01", "VNEID-01"], 20),
    (["VNEID-01"], 12),
    (["THVP-01"], 8),
    (["AI-01", "ATDL-01"], 8),
    (["DVC-01"], 7),
]
VENUES = [
    "Hội trường công ty",
    "Nhà văn hoá công nhân KCN Cái Lân",
    "Phòng họp tầng 2",
    "Trung tâm văn hoá phường",
    "Xưởng may số 1",
]
TRAINERS = [
    "Phạm Thu Trang",
    "Ngô Đức Minh",
    "Vũ Thị Lan",
    "Đặng Quốc Bảo",
    "Tổ công nghệ số cộng đồng phường",
]


def build(ctx: DemoContext) -> None:
    root = ctx.data.get("root") or Unit.objects.filter(depth=1).order_by("path").first()
    if root is None or FrameworkVersion.current() is None:
        return
    comps = {c.code: c for c in Competence.objects.filter(version=FrameworkVersion.current())}
    with transaction.atomic():
        definitions = _definitions(root, comps)
        courses = _catalogue(root, comps)
        _question_bank(root, comps, courses)
        campaign = _campaign(root, definitions[0])
        _plan()
    if not TrainingSession.objects.filter(code__startswith="LH-DEMO-").exists():
        with transaction.atomic():
            _history(ctx, root, courses, campaign)
    _open_session_today(courses)
    _link_demo_member()
    ctx.log(
        f"demo skills: {TrainingSession.objects.count()} sessions, {SkillRecord.objects.count()} skill records, "
        f"{Certificate.objects.count()} certificates"
    )


def _definitions(root, comps):
    rows = [
        (
            "Đoàn viên, người lao động có kỹ năng số cơ bản",
            "members",
            2,
            ["1.1", "2.3", "4.2"],
            None,
        ),
        (
            "Người lao động doanh nghiệp có kỹ năng số",
            "enterprise_workers",
            2,
            ["1.1", "2.1", "2.3", "4.1", "4.2"],
            3,
        ),
        (
            "Người trưởng thành có kỹ năng số cơ bản (Bình dân học vụ số)",
            "basic_adults",
            1,
            ["1.1", "2.3", "4.2"],
            None,
        ),
    ]
    out = []
    for name, purpose, step, codes, at_least in rows:
        d, created = DigitalSkillsDefinition.objects.get_or_create(
            unit=root,
            name=name,
            defaults={
                "purpose": purpose,
                "min_step": step,
                "min_competences": at_least,
                "valid_from": datetime.date(2025, 3, 1),
            },
        )
        if created:
            d.competences.set([comps[c] for c in codes])
        out.append(d)
    return out


def _catalogue(root, comps):
    courses = {}
    for code, title, codes, mode, hours, description, links in COURSES:
        course, created = CourseModel.objects.get_or_create(
            code=code,
            defaults={
                "unit": root,
                "title": title,
                "mode": mode,
                "hours": hours,
                "description": description,
                "target_step": 2,
                "min_attendance_percent": 100,
            },
        )
        if created:
            course.competences.set([comps[c] for c in codes])
            for i, (label, url) in enumerate(links):
                CourseMaterial.objects.create(course=course, title=label, url=url, order=i)
        courses[code] = course
    return courses


def _question_bank(root, comps, courses):
    if Question.objects.filter(unit=root).exists():
        return
    for code, items in QUESTIONS.items():
        for text, kind, choices in items:
            q = Question.objects.create(
                unit=root, competence=comps[code], step=2, kind=kind, text=text
            )
            Choice.objects.bulk_create(
                [
                    Choice(question=q, text=t, is_correct=c, order=i)
                    for i, (t, c) in enumerate(choices)
                ]
            )
    for title, code, step, n in ASSESSMENTS:
        Assessment.objects.get_or_create(
            unit=root,
            title=title,
            defaults={
                "competence": comps[code],
                "step": step,
                "question_count": n,
                "time_limit_minutes": 15,
                "max_attempts": 3,
                "pass_percent": 75,
            },
        )
    ai = courses["AI-01"]
    if ai.assessment_id is None:
        ai.assessment = Assessment.objects.get(unit=root, competence__code="6.2")
        ai.save(update_fields=["assessment"])


def _campaign(root, definition):
    campaign, _ = Campaign.objects.get_or_create(
        unit=root,
        name="Bình dân học vụ số – Phổ cập kỹ năng số cho đoàn viên 2025–2027",
        defaults={
            "starts_on": datetime.date(2025, 3, 26),
            "ends_on": datetime.date(2027, 12, 31),
            "target_percent": 80,
            "definition": definition,
            "description": "Thực hiện Kế hoạch 01-KH/BCĐTW: 80 % đoàn viên, người lao động có kỹ năng số "
            "cơ bản năm 2027, 100 % giai đoạn 2028–2030.",
        },
    )
    return campaign


def _plan():
    unit = Unit.objects.filter(code="QN-CDCS-0001").first()
    if unit is None:
        return
    TrainingPlan.objects.get_or_create(
        unit=unit,
        title="Đào tạo vận hành máy cho công nhân mới (4–6 tháng)",
        defaults={
            "starts_on": datetime.date(2026, 3, 1),
            "ends_on": datetime.date(2026, 8, 31),
            "planned_count": 120,
            "description": "Chương trình kèm cặp tại xưởng kết hợp kỹ năng số: chấm công điện tử, phiếu lương "
            "trên điện thoại, an toàn dữ liệu.",
        },
    )


def _history(ctx, root, courses, campaign):
    """Past sessions per grassroots union, with attendance, completion, records and certificates.

    Written as plain rows (no model instances): ~300,000 rows for 60,000 members.
    """
    rng = ctx.rng
    members_by_unit: dict[int, list[int]] = {}
    for pk, unit_id in (
        Member.objects.active().order_by("pk").values_list("pk", "unit_id").iterator()
    ):
        members_by_unit.setdefault(unit_id, []).append(pk)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=members_by_unit)}
    course_comps = {c.pk: [comp.pk for comp in c.competences.all()] for c in courses.values()}
    combos, weights = zip(*COMBOS, strict=True)
    start = datetime.date(2025, 4, 1)
    today = timezone.localdate()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day_value: dict[datetime.date, object] = {}

    def db_day(day):
        if day not in day_value:
            day_value[day] = ops.adapt_datefield_value(day)
        return day_value[day]

    seq = 0
    enrolments, attendances = [], []
    sessions_info: dict[int, TrainingSession] = {}
    methods = [CheckInMethod.QR_IDENTITY, CheckInMethod.QR_ACCOUNT, CheckInMethod.TRAINER]
    for unit_id, member_ids in sorted(members_by_unit.items()):
        unit = units[unit_id]
        trained = rng.sample(member_ids, int(len(member_ids) * rng.uniform(0.3, 0.8)))
        sessions: dict[str, TrainingSession] = {}
        filled: dict[str, int] = {}
        for member_id in trained:
            for code in rng.choices(combos, weights=weights)[0]:
                session = sessions.get(code)
                if session is None or filled[code] >= 60:  # a class holds up to 60 people
                    seq += 1
                    day = min(
                        start + datetime.timedelta(days=rng.randrange(0, 540)),
                        today - datetime.timedelta(days=3),
                    )
                    session = TrainingSession.objects.create(
                        code=f"LH-DEMO-{seq:05d}",
                        course=courses[code],
                        unit=unit,
                        starts_on=day,
                        ends_on=day,
                        venue=rng.choice(VENUES),
                        trainer_name=rng.choice(TRAINERS),
                        status="closed",
                        audience="Đoàn viên, người lao động",
                        campaign=campaign,
                    )
                    sessions[code] = session
                    sessions_info[session.pk] = session
                    filled[code] = 0
                filled[code] += 1
                day = db_day(session.starts_on)
                enrolments.append(
                    (
                        session.pk,
                        member_id,
                        EnrolmentStatus.COMPLETED,
                        EnrolmentSource.BULK,
                        None,
                        now,
                        day,
                    )
                )
                attendances.append((session.pk, member_id, day, rng.choice(methods), None, now))
    _insert(
        Enrolment,
        [
            "session_id",
            "member_id",
            "status",
            "source",
            "enrolled_by_id",
            "enrolled_at",
            "completed_on",
        ],
        enrolments,
    )
    _insert(
        Attendance,
        ["session_id", "member_id", "day", "method", "recorded_by_id", "recorded_at"],
        attendances,
    )
    names = dict(Member.objects.active().values_list("pk", "full_name").iterator())
    numbers: set[str] = set()
    records, certificates = [], []
    for pk, member_id, session_id in (
        Enrolment.objects.filter(session__code__startswith="LH-DEMO-")
        .values_list("pk", "member_id", "session_id")
        .iterator()
    ):
        session = sessions_info[session_id]
        day = db_day(session.starts_on)
        for comp_id in course_comps[session.course_id]:
            records.append(
                (
                    member_id,
                    comp_id,
                    2,
                    RecordSource.COURSE,
                    day,
                    "",
                    None,
                    pk,
                    None,
                    now,
                    None,
                    None,
                    "",
                )
            )
        certificates.append(
            (
                _number(session.starts_on, numbers),
                pk,
                member_id,
                session.course_id,
                session.unit_id,
                names[member_id],
                session.course.title,
                session.unit.name,
                day,
                None,
                None,
                "",
            )
        )
    _insert(
        SkillRecord,
        [
            "member_id",
            "competence_id",
            "step",
            "source",
            "achieved_on",
            "reason",
            "attempt_id",
            "enrolment_id",
            "recorded_by_id",
            "recorded_at",
            "revoked_at",
            "revoked_by_id",
            "revoke_reason",
        ],
        records,
    )
    _insert(
        Certificate,
        [
            "number",
            "enrolment_id",
            "member_id",
            "course_id",
            "unit_id",
            "holder_name",
            "course_title",
            "unit_name",
            "issued_on",
            "issued_by_id",
            "revoked_at",
            "revoke_reason",
        ],
        certificates,
    )


def _insert(model, attnames: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERTs through ``executemany``: much faster than ``bulk_create`` for
    the hundreds of thousands of demo rows (no model instances, no 999-parameter batches)."""
    quote = connection.ops.quote_name
    columns = [
        model._meta.get_field(a.removesuffix("_id")).column
        if a.endswith("_id")
        else model._meta.get_field(a).column
        for a in attnames
    ]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _number(day, numbers: set[str]) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    while True:
        n = f"CD-{day.year}-" + "".join(secrets.choice(alphabet) for _ in range(8))
        if n not in numbers:
            numbers.add(n)
            return n


def _open_session_today(courses):
    """A session running today at the demo officer's union, so the QR check-in can be tried."""
    unit = Unit.objects.filter(code="QN-CDCS-0001").first()
    if unit is None or TrainingSession.objects.filter(code="LH-DEMO-TODAY").exists():
        return
    trainer = get_user_model().objects.filter(username="trainer").first()
    today = timezone.localdate()
    session = TrainingSession.objects.create(
        code="LH-DEMO-TODAY",
        course=courses["ATDL-01"],
        unit=unit,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        meeting_count=2,
        venue="Hội trường công ty, tầng 3",
        trainer=trainer,
        trainer_name=trainer.full_name if trainer else "",
        capacity=60,
        status="open",
        audience="Công nhân chưa đạt chuẩn kỹ năng số",
    )
    untrained = (
        Member.objects.active()
        .filter(unit=unit)
        .exclude(skill_enrolments__isnull=False)
        .values_list("pk", flat=True)[:40]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(session=session, member_id=m, source=EnrolmentSource.BULK) for m in untrained]
    )


# The demo's worker: the login ``member`` is this person (org.demo names the account), and
# the member record linked to it must be theirs, not the first record of the union.
DEMO_MEMBER_UNIT = "QN-CDCS-0001"
DEMO_MEMBER_BORN = datetime.date(1994, 3, 12)


def _link_demo_member():
    """Give the demo login ``member`` their own member record, through the members app's own
    services (matched by e-mail until accounts link to members; the change is in the
    member's history). A record of somebody else linked by an earlier demo is unlinked."""
    users = get_user_model().objects
    user = users.filter(username="member").first()
    actor = users.filter(username="federation_admin").first()
    unit = Unit.objects.filter(code=DEMO_MEMBER_UNIT).first()
    if user is None or actor is None or unit is None or not user.email or not user.full_name:
        return
    linked = list(Member.objects.filter(email__iexact=user.email))
    if len(linked) == 1 and linked[0].full_name == user.full_name and linked[0].is_active:
        return
    for other in linked:
        member_services.update_member(
            actor, other, email="", reason="demo: not the person of the login 'member'"
        )
    own = (
        Member.objects.active()
        .filter(unit=unit, full_name=user.full_name, email="")
        .order_by("pk")
        .first()
    )
    if own is not None:
        member_services.update_member(
            actor, own, email=user.email, reason="demo: linked to the login 'member'"
        )
        return
    serial = 999_999
    while Member.objects.filter(
        cccd=cccd.make("022", "male", DEMO_MEMBER_BORN.year, serial)
    ).exists():
        serial -= 1
    member_services.admit_member(
        actor,
        unit,
        full_name=user.full_name,
        gender="male",
        date_of_birth=DEMO_MEMBER_BORN,
        cccd=cccd.make("022", "male", DEMO_MEMBER_BORN.year, serial),
        email=user.email,
        joined_on=datetime.date(2019, 5, 1),
    )
