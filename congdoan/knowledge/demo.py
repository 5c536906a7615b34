"""Demo knowledge base: 60 articles of the provincial federation, the demo grassroots union's
industrial-zone union above it and the grassroots union itself (QN-CDCS-0001), over every
topic, among them "Chế độ thai sản" (found by typing "che do thai san"). Running the demo
twice adds nothing."""

from __future__ import annotations

from datetime import date

from congdoan.common.demo import DemoContext
from congdoan.org.models import Unit

from . import services
from .choices import ArticleStatus, Topic
from .models import Article

ROOT_CODE = "LDLD-QN"
ENTERPRISE_CODE = "QN-CDCS-0001"


class _System:
    is_superuser = True
    is_authenticated = True
    is_active = True
    pk = None


PROVINCE_ARTICLES = [
    (
        Topic.REGIMES,
        "Chế độ thai sản",
        "Lao động nữ đóng bảo hiểm xã hội từ đủ 6 tháng trong 12 tháng trước khi sinh con được "
        "nghỉ sinh con 6 tháng, hưởng 100 % mức bình quân tiền lương tháng đóng bảo hiểm xã hội "
        "của 6 tháng trước khi nghỉ, và trợ cấp một lần bằng 2 lần mức tham chiếu cho mỗi con.\n\n"
        "Lao động nam có vợ sinh con được nghỉ từ 5 đến 14 ngày làm việc tuỳ trường hợp.\n\n"
        "Hồ sơ: giấy khai sinh hoặc trích lục khai sinh của con; nộp cho người sử dụng lao động "
        "trong 45 ngày kể từ ngày trở lại làm việc.",
    ),
    (
        Topic.REGIMES,
        "Chế độ ốm đau",
        "Người lao động nghỉ việc do ốm đau, tai nạn không phải tai nạn lao động, có xác nhận "
        "của cơ sở khám bệnh, chữa bệnh, được hưởng 75 % tiền lương đóng bảo hiểm xã hội. Số "
        "ngày nghỉ tối đa từ 30 đến 70 ngày một năm tuỳ thời gian đóng và điều kiện làm việc.",
    ),
    (
        Topic.REGIMES,
        "Chế độ tai nạn lao động, bệnh nghề nghiệp",
        "Người lao động bị tai nạn lao động được người sử dụng lao động thanh toán chi phí y tế, "
        "trả đủ lương trong thời gian điều trị; quỹ bảo hiểm trả trợ cấp theo mức suy giảm khả "
        "năng lao động từ 5 % trở lên.",
    ),
    (
        Topic.REGIMES,
        "Chế độ hưu trí",
        "Từ năm 2025, người lao động có từ đủ 15 năm đóng bảo hiểm xã hội trở lên được hưởng "
        "lương hưu khi đủ tuổi nghỉ hưu theo lộ trình của Bộ luật Lao động.",
    ),
    (
        Topic.REGIMES,
        "Bảo hiểm thất nghiệp",
        "Người lao động đóng bảo hiểm thất nghiệp đủ 12 tháng trong 24 tháng trước khi chấm dứt "
        "hợp đồng được hưởng trợ cấp bằng 60 % mức bình quân tiền lương; nộp hồ sơ tại trung tâm "
        "dịch vụ việc làm trong 3 tháng.",
    ),
    (
        Topic.POLICIES,
        "Lương tối thiểu vùng năm 2026",
        "Mức lương tối thiểu tháng áp dụng từ ngày 1 tháng 1 năm 2026 theo vùng; các phường của "
        "tỉnh thuộc vùng I và II. Người sử dụng lao động không được trả thấp hơn mức này.",
    ),
    (
        Topic.POLICIES,
        "Thời giờ làm việc và làm thêm giờ",
        "Thời giờ làm việc bình thường không quá 8 giờ một ngày và 48 giờ một tuần. Làm thêm giờ "
        "không quá 40 giờ một tháng và 300 giờ một năm đối với một số ngành, nghề; tiền lương làm "
        "thêm ít nhất 150 % ngày thường, 200 % ngày nghỉ hằng tuần, 300 % ngày lễ, Tết.",
    ),
    (
        Topic.POLICIES,
        "Nghỉ hằng năm, nghỉ lễ, Tết",
        "Người lao động làm đủ 12 tháng được nghỉ hằng năm 12 ngày làm việc, hưởng nguyên lương; "
        "cứ đủ 5 năm làm việc được tăng thêm 1 ngày. Nghỉ lễ, Tết 11 ngày một năm.",
    ),
    (
        Topic.POLICIES,
        "Hợp đồng lao động: những điều cần biết",
        "Hợp đồng lao động phải được giao kết bằng văn bản (hoặc thông điệp dữ liệu điện tử) trừ "
        "hợp đồng dưới 1 tháng. Người lao động có quyền đơn phương chấm dứt hợp đồng khi báo trước "
        "theo thời hạn luật định.",
    ),
    (
        Topic.POLICIES,
        "Bảo vệ dữ liệu cá nhân của đoàn viên",
        "Từ ngày 1 tháng 1 năm 2026, đoàn viên có quyền biết, truy cập, yêu cầu chỉnh sửa và xoá "
        "dữ liệu cá nhân của mình theo Luật Bảo vệ dữ liệu cá nhân.",
    ),
    (
        Topic.BENEFITS,
        "Quyền lợi của đoàn viên công đoàn",
        "Đoàn viên được công đoàn đại diện, bảo vệ quyền, lợi ích hợp pháp; được tư vấn pháp luật "
        "miễn phí; được hỗ trợ khi gặp khó khăn; được tham gia các hoạt động văn hoá, thể thao.",
    ),
    (
        Topic.BENEFITS,
        "Tư vấn pháp luật miễn phí cho đoàn viên",
        "Văn phòng tư vấn pháp luật của Liên đoàn Lao động tỉnh tiếp đoàn viên trong giờ hành "
        "chính và qua đường dây nóng; đại diện đoàn viên tham gia tố tụng tranh chấp lao động.",
    ),
    (
        Topic.BENEFITS,
        "Ưu đãi cho đoàn viên tại các đơn vị liên kết",
        "Đoàn viên xuất trình thẻ đoàn viên điện tử được giảm giá tại siêu thị, nhà thuốc, cơ sở "
        "khám bệnh và khu du lịch đã ký thoả thuận hợp tác với Liên đoàn Lao động tỉnh.",
    ),
    (
        Topic.WELFARE,
        "Chương trình Mái ấm công đoàn",
        "Đoàn viên có hoàn cảnh khó khăn về nhà ở được hỗ trợ từ 50 đến 70 triệu đồng để xây mới "
        "hoặc sửa chữa nhà; hồ sơ do công đoàn cơ sở lập và gửi công đoàn cấp trên.",
    ),
    (
        Topic.WELFARE,
        "Tết Sum vầy và Chuyến xe công đoàn",
        "Hằng năm công đoàn tặng quà Tết cho đoàn viên khó khăn và tổ chức xe đưa công nhân về "
        "quê đón Tết miễn phí.",
    ),
    (
        Topic.WELFARE,
        "Quỹ Trợ vốn cho công nhân lao động nghèo",
        "Đoàn viên thuộc hộ nghèo, cận nghèo được vay vốn không lãi suất hoặc lãi suất thấp để "
        "phát triển kinh tế gia đình.",
    ),
    (
        Topic.WELFARE,
        "Học bổng cho con đoàn viên",
        "Con đoàn viên có thành tích học tập tốt, hoàn cảnh khó khăn được xét trao học bổng "
        "vào dịp khai giảng năm học.",
    ),
    (
        Topic.COLLECTIVE_AGREEMENT,
        "Hướng dẫn thương lượng thỏa ước lao động tập thể",
        "Các bước thương lượng tập thể tại doanh nghiệp: lấy ý kiến người lao động, chuẩn bị nội "
        "dung, tổ chức thương lượng, biểu quyết và ký kết thỏa ước.",
    ),
]
ZONE_ARTICLES = [
    (
        Topic.WELFARE,
        "Nhà ở xã hội cho công nhân khu công nghiệp",
        "Công nhân làm việc tại các khu công nghiệp được đăng ký mua, thuê mua nhà ở xã hội; công "
        "đoàn các khu công nghiệp hướng dẫn lập hồ sơ.",
    ),
    (
        Topic.WELFARE,
        "Thiết chế công đoàn tại khu công nghiệp",
        "Nhà văn hoá, sân thể thao, siêu thị công đoàn và nhà trẻ dành cho công nhân và con công "
        "nhân trong khu công nghiệp.",
    ),
    (
        Topic.BENEFITS,
        "Khám sức khoẻ định kỳ cho công nhân",
        "Người sử dụng lao động tổ chức khám sức khoẻ ít nhất mỗi năm một lần; lao động nữ được "
        "khám chuyên khoa phụ sản.",
    ),
]
ENTERPRISE_ARTICLES = [
    (
        Topic.COLLECTIVE_AGREEMENT,
        "Thỏa ước lao động tập thể của công ty",
        "Thỏa ước có hiệu lực 3 năm: tiền lương, thưởng, phụ cấp, thời giờ làm việc, nghỉ ngơi, "
        "an toàn vệ sinh lao động và phúc lợi cao hơn quy định của pháp luật.",
    ),
    (
        Topic.COLLECTIVE_AGREEMENT,
        "Thỏa ước: tiền ăn giữa ca",
        "Suất ăn giữa ca trị giá không thấp hơn 25.000 đồng; người lao động làm ca đêm được thêm "
        "một bữa phụ.",
    ),
    (
        Topic.COLLECTIVE_AGREEMENT,
        "Thỏa ước: thưởng Tết và tháng lương thứ 13",
        "Người lao động làm đủ 12 tháng được thưởng Tết ít nhất một tháng lương; làm chưa đủ được "
        "thưởng theo tỷ lệ số tháng làm việc.",
    ),
    (
        Topic.COLLECTIVE_AGREEMENT,
        "Thỏa ước: hỗ trợ lao động nữ nuôi con nhỏ",
        "Lao động nữ nuôi con dưới 12 tháng tuổi được nghỉ 60 phút mỗi ngày hưởng nguyên lương; "
        "công ty hỗ trợ 300.000 đồng mỗi tháng tiền gửi trẻ.",
    ),
    (
        Topic.BENEFITS,
        "Phụ cấp nhà trọ và đi lại",
        "Công ty hỗ trợ tiền nhà trọ và xe đưa đón cho công nhân ở xa theo thỏa ước.",
    ),
    (
        Topic.WELFARE,
        "Thăm hỏi đoàn viên ốm đau, hiếu hỉ",
        "Công đoàn cơ sở thăm hỏi đoàn viên ốm đau nằm viện, kết hôn, có người thân qua đời theo "
        "quy chế chi tiêu nội bộ.",
    ),
]


def _variants(rows, years):
    """Each article once, and a few more as the yearly guidance that repeats them."""
    yield from ((topic, title, body, None) for topic, title, body in rows)
    for year in years:
        for topic, title, body in rows[:: max(1, len(rows) // 6)]:
            yield topic, f"{title}: hỏi đáp năm {year}", f"Hỏi đáp năm {year}. {body}", year


def build(ctx: DemoContext) -> None:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    enterprise = Unit.objects.filter(code=ENTERPRISE_CODE).first()
    if root is None or enterprise is None or Article.objects.filter(unit=root).exists():
        return
    zone = enterprise.get_parent()
    system = _System()
    plan = [
        (root, list(_variants(PROVINCE_ARTICLES, [2024, 2025]))),
        (zone, list(_variants(ZONE_ARTICLES, [2023, 2024, 2025]))),
        (enterprise, list(_variants(ENTERPRISE_ARTICLES, [2025, 2026]))),
    ]
    made = 0
    for unit, rows in plan:
        for topic, title, body, year in rows:
            services.create_article(
                system,
                unit,
                title=title,
                body=body,
                topic=topic,
                # A few drafts, so officers see the two states.
                status=ArticleStatus.DRAFT if made % 17 == 16 else ArticleStatus.PUBLISHED,
                effective_from=date(year, 1, 1) if year else None,
                effective_to=date(year, 12, 31) if year and year < 2026 else None,
            )
            made += 1
    ctx.log(f"knowledge: {made} articles")
