"""Demo paperless office: internal CA, certificates, a few hundred documents in every state.

The federation (LDLD-QN) issues plans, decisions and letters to grassroots unions; grassroots
unions send reports up; paper documents arrive with scans. Only a handful are signed for
real (each signature is a real PAdES signature); the rest stay in earlier states. Running
the demo twice adds nothing.

The demo signs and issues as its officers would: confirming with their password (the demo
logins' password, ``DEMO_PASSWORD``, which the org demo gave them), through the same services.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from congdoan.common.demo import DEMO_PASSWORD, DemoContext
from congdoan.org.models import Unit
from congdoan.org.paths import prefix_q

from . import header, queries, services
from .choices import CertificateKind, DocumentStatus, IncomingStatus
from .models import Document, DocumentType, IncomingEntry, SigningCertificate

ROOT_CODE = "LDLD-QN"


class _System:
    is_superuser = True
    is_authenticated = True
    is_active = True
    pk = None


FEDERATION_TOPICS = [
    ("ke-hoach", "Kế hoạch tổ chức Tháng Công nhân năm {year}"),
    ("ke-hoach", 'Kế hoạch triển khai phong trào "Bình dân học vụ số" trong công nhân, lao động'),
    ("quyet-dinh", "Quyết định khen thưởng các công đoàn cơ sở vững mạnh năm {year}"),
    ("quyet-dinh", "Quyết định thành lập Tổ công nghệ số cộng đồng tại khu công nghiệp"),
    ("huong-dan", "Hướng dẫn cập nhật dữ liệu đoàn viên trên hệ thống quản lý"),
    ("thong-bao", "Thông báo lịch tập huấn kỹ năng số cho cán bộ công đoàn cơ sở"),
    ("cong-van", "Về việc đôn đốc thu, nộp kinh phí và đoàn phí công đoàn quý {quarter}"),
    ("cong-van", "Về việc tổ chức Tết Sum vầy cho công nhân lao động"),
    ("giay-moi", "Giấy mời dự hội nghị tổng kết công tác công đoàn năm {year}"),
    ("chuong-trinh", "Chương trình phối hợp chăm lo đời sống đoàn viên, người lao động"),
]
GRASSROOTS_TOPICS = [
    ("bao-cao", "Báo cáo kết quả thực hiện nhiệm vụ công tác công đoàn quý {quarter}"),
    ("bao-cao", "Báo cáo tình hình chuyển đổi số tại công đoàn cơ sở"),
    ("to-trinh", "Tờ trình đề nghị khen thưởng đoàn viên tiêu biểu"),
    ("bien-ban", "Biên bản hội nghị người lao động năm {year}"),
    ("cong-van", "Về việc đề nghị hỗ trợ công nhân có hoàn cảnh khó khăn"),
]
PAPER_SENDERS = [
    "Sở Nội vụ tỉnh Quảng Ninh",
    "Bảo hiểm xã hội tỉnh Quảng Ninh",
    "Ban Quản lý các khu công nghiệp",
    "Ủy ban nhân dân phường Hạ Long",
    "Công ty TNHH Đông Bắc",
]


def _pdf(title: str, unit: Unit) -> bytes:
    """A sample paper in the format of Decree 30: its number and date are filled when issued."""
    paragraphs = "".join(
        f"<p>{i}. Các cấp công đoàn quán triệt, triển khai thực hiện nghiêm túc nội dung văn bản; "
        "bảo đảm quyền, lợi ích hợp pháp, chính đáng của đoàn viên và người lao động.</p>"
        for i in range(1, 7)
    )
    parent = unit.get_parent()
    heading = header.Heading(
        parent=parent.name if parent else "Tổng Liên đoàn Lao động Việt Nam",
        unit=unit.name,
        place=header.place_of(unit) or "Quảng Ninh",
        doc_type="",
        summary=title,
    )
    body = f"{paragraphs}<p><i>Nơi nhận:</i> như trên; lưu VT.</p>"
    css = (
        "@page { size: A4; margin: 2cm 2cm 6.5cm 3cm } body { font-size: 13pt; line-height: 1.45 }"
    )
    return header.compose_pdf(heading, body, extra_css=css)


def _ensure_pki(root: Unit, seal_units: list[Unit], people: list) -> None:
    if queries.internal_ca() is None:
        services.init_ca(root.name)
    system = _System()
    for unit in seal_units:
        if not SigningCertificate.objects.filter(unit=unit, kind=CertificateKind.SEAL).exists():
            services.issue_internal_certificate(system, unit=unit, kind=CertificateKind.SEAL)
    for user, unit in people:
        if not SigningCertificate.objects.filter(user=user, kind=CertificateKind.PERSONAL).exists():
            services.issue_internal_certificate(
                system, unit=unit, kind=CertificateKind.PERSONAL, user=user
            )


def build(ctx: DemoContext) -> None:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    User = get_user_model()
    admin = User.objects.filter(username="federation_admin").first()
    officer = User.objects.filter(username="grassroots_officer").first()
    if root is None or admin is None or officer is None:
        ctx.log("demo documents: no demo organisation, skipped")
        return
    officer_unit = Unit.objects.get(code="QN-CDCS-0001")
    grassroots = list(
        Unit.objects.filter(code__startswith="QN-CDCS-", depth=root.depth + 2).order_by("code")[:40]
    )
    _ensure_pki(root, [root, officer_unit], [(admin, root), (officer, officer_unit)])
    in_root = prefix_q(root.path, "unit__path")
    if Document.objects.filter(in_root).exists():
        ctx.log("demo documents: already there")
        return
    rng = ctx.rng
    year = timezone.localdate().year
    types = {t.code: t for t in DocumentType.objects.all()}
    # Two sample contents (federation, grassroots): rendering one per document would be slow.
    federation_pdf = _pdf("Văn bản của Liên đoàn Lao động tỉnh", root)
    grassroots_pdf = _pdf("Văn bản của công đoàn cơ sở", officer_unit)

    def content_for(unit: Unit, title: str) -> tuple[str, bytes]:
        return ("van-ban.pdf", federation_pdf if unit == root else grassroots_pdf)

    def make(actor, unit, topic, recipients=(), signer=None, confidentiality="normal"):
        code, summary = topic
        summary = summary.format(year=year, quarter=rng.choice(["I", "II", "III", "IV"]))
        return services.create_document(
            actor,
            services.DraftData(
                unit=unit,
                doc_type=types[code],
                summary=summary,
                file=content_for(unit, summary),
                urgency=rng.choice(["normal"] * 6 + ["urgent", "very_urgent"]),
                confidentiality=confidentiality,
                department=rng.choice(["TC", "CSPL", "TG", "VP"]) if code == "cong-van" else "",
                signer=signer,
                signer_prefix="TM." if signer is None else "",
                signer_position="Chủ tịch",
                recipient_units=tuple(recipients),
            ),
        )

    # Federation documents, issued for real (signed + sealed), each to several grassroots unions.
    issued = []
    for i, topic in enumerate(FEDERATION_TOPICS[:8]):
        recipients = rng.sample(grassroots, k=min(len(grassroots), 12 + i % 6))
        if officer_unit not in recipients:
            recipients.append(officer_unit)
        doc = make(admin, root, topic, recipients)
        services.sign_document(admin, doc, password=DEMO_PASSWORD)
        issued.append(services.issue_document(admin, doc, password=DEMO_PASSWORD))
    # Signed by the head, waiting for the clerk to issue them (number + seal).
    for i in range(6):
        doc = make(
            admin,
            root,
            FEDERATION_TOPICS[(8 + i) % len(FEDERATION_TOPICS)],
            rng.sample(grassroots, k=4),
        )
        services.sign_document(admin, doc, password=DEMO_PASSWORD)
    # Reports from the demo grassroots union: signed by its officer, sealed, sent up.
    for topic in GRASSROOTS_TOPICS[:2]:
        doc = make(officer, officer_unit, topic, [root], signer=officer)
        services.approve_document(admin, doc)
        services.sign_document(officer, doc, password=DEMO_PASSWORD)
        issued.append(services.issue_document(officer, doc, password=DEMO_PASSWORD))

    # Incoming entries of the grassroots unions: spread over received / assigned / handled / overdue.
    today = timezone.localdate()
    handlers = {officer_unit.pk: officer}
    for n, entry in enumerate(IncomingEntry.objects.filter(in_root).select_related("unit")):
        handler = handlers.get(entry.unit_id, admin)
        state = n % 4
        if state == 0:
            continue
        services.assign_incoming(
            admin, entry, handler=handler, deadline=today + timedelta(days=rng.randint(1, 20))
        )
        if state == 2:
            services.mark_handled(admin, entry, "Đã triển khai tới toàn thể đoàn viên.")
        elif state == 3:
            IncomingEntry.objects.filter(pk=entry.pk).update(
                deadline=today - timedelta(days=rng.randint(1, 15))
            )

    # Paper documents received, registered with a scan (the honest denominator).
    for i in range(60):
        unit = grassroots[i % len(grassroots)] if i % 3 else root
        actor = officer if unit == officer_unit else admin
        entry = services.register_paper_document(
            actor,
            unit,
            sender=PAPER_SENDERS[i % len(PAPER_SENDERS)],
            doc_type=types[rng.choice(["cong-van", "thong-bao", "giay-moi"])],
            summary=rng.choice(
                [
                    "Về việc phối hợp tuyên truyền pháp luật lao động",
                    "Về việc kiểm tra an toàn, vệ sinh lao động",
                    "Về việc cử cán bộ dự lớp bồi dưỡng",
                    "Mời dự hội nghị đối thoại với doanh nghiệp",
                ]
            ),
            scan=("scan.pdf", federation_pdf),
            number_symbol=f"{rng.randint(1, 300):02d}/{rng.choice(['SNV', 'BHXH', 'BQL'])}-VP",
        )
        if i % 2:
            services.assign_incoming(
                actor,
                entry,
                handler=officer if unit == officer_unit else admin,
                deadline=today + timedelta(days=7),
            )

    # Drafts in every earlier state: draft, in review, returned, approved.
    for i in range(240):
        from_root = i % 3 != 0
        unit = root if from_root else grassroots[i % len(grassroots)]
        actor = admin if from_root or unit != officer_unit else officer
        topic = rng.choice(FEDERATION_TOPICS if from_root else GRASSROOTS_TOPICS)
        doc = make(
            actor,
            unit,
            topic,
            rng.sample(grassroots, k=3) if from_root else [root],
            confidentiality="confidential" if i % 37 == 0 else "normal",
        )
        stage = i % 4
        if stage >= 1:
            services.submit_for_review(actor, doc, [admin])
        if stage == 2:
            services.review_document(
                admin, doc, agree=False, comment="Đề nghị bổ sung số liệu cụ thể."
            )
        elif stage == 3:
            services.review_document(admin, doc, agree=True)
            services.approve_document(admin, doc)
    total = Document.objects.filter(in_root).count()
    entries = IncomingEntry.objects.filter(in_root).count()
    overdue = IncomingEntry.objects.filter(
        status=IncomingStatus.ASSIGNED, deadline__lt=today
    ).count()
    signed = Document.objects.filter(in_root, status=DocumentStatus.SIGNED).count()
    ctx.log(
        f"demo documents: {total} documents ({len(issued)} issued, {signed} signed awaiting issue), "
        f"{entries} incoming, {overdue} overdue"
    )
