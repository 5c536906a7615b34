"""The digital competency framework of Circular 02/2025/TT-BGDĐT (signed 24 January 2025),
as first loaded. Plain data, imported by the seed migration and the demo.

Every name is marked ``needs_check``: shared/DOMAIN.md asks that the wording be checked against
the circular's appendix, so administrators can correct it in the app; codes stay stable.
"""

VERSION = {
    "code": "TT02-2025",
    "name": "Khung năng lực số (Thông tư 02/2025/TT-BGDĐT)",
    "legal_basis": "Thông tư 02/2025/TT-BGDĐT ngày 24/01/2025",
    "valid_from": "2025-01-24",
}

# (code, name_vi, name_en, [(code, name_vi, name_en), ...])
AREAS = [
    (
        "1",
        "Khai thác dữ liệu và thông tin",
        "Information and data exploitation",
        [
            (
                "1.1",
                "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số",
                "Browsing, searching and filtering data, information and digital content",
            ),
            (
                "1.2",
                "Đánh giá dữ liệu, thông tin và nội dung số",
                "Evaluating data, information and digital content",
            ),
            (
                "1.3",
                "Quản lý dữ liệu, thông tin và nội dung số",
                "Managing data, information and digital content",
            ),
        ],
    ),
    (
        "2",
        "Giao tiếp và hợp tác trong môi trường số",
        "Communication and collaboration in the digital environment",
        [
            ("2.1", "Tương tác thông qua công nghệ số", "Interacting through digital technologies"),
            (
                "2.2",
                "Chia sẻ thông tin và nội dung thông qua công nghệ số",
                "Sharing information and content through digital technologies",
            ),
            (
                "2.3",
                "Sử dụng công nghệ số để thực hiện trách nhiệm công dân",
                "Engaging in citizenship through digital technologies",
            ),
            ("2.4", "Hợp tác thông qua công nghệ số", "Collaborating through digital technologies"),
            ("2.5", "Thực hiện quy tắc ứng xử trên mạng", "Netiquette"),
            ("2.6", "Quản lý danh tính số", "Managing digital identity"),
        ],
    ),
    (
        "3",
        "Sáng tạo nội dung số",
        "Digital content creation",
        [
            ("3.1", "Phát triển nội dung số", "Developing digital content"),
            (
                "3.2",
                "Tích hợp và tạo lập lại nội dung số",
                "Integrating and re-elaborating digital content",
            ),
            ("3.3", "Thực thi bản quyền và giấy phép", "Copyright and licences"),
            ("3.4", "Lập trình", "Programming"),
        ],
    ),
    (
        "4",
        "An toàn",
        "Safety",
        [
            ("4.1", "Bảo vệ thiết bị", "Protecting devices"),
            (
                "4.2",
                "Bảo vệ dữ liệu cá nhân và quyền riêng tư",
                "Protecting personal data and privacy",
            ),
            ("4.3", "Bảo vệ sức khỏe và an sinh số", "Protecting health and digital well-being"),
            ("4.4", "Bảo vệ môi trường", "Protecting the environment"),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề",
        "Problem solving",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật", "Solving technical problems"),
            (
                "5.2",
                "Xác định nhu cầu và giải pháp công nghệ",
                "Identifying needs and technological responses",
            ),
            ("5.3", "Sử dụng sáng tạo công nghệ số", "Creatively using digital technologies"),
            (
                "5.4",
                "Xác định các vấn đề cần cải thiện về năng lực số",
                "Identifying digital competence gaps",
            ),
        ],
    ),
    (
        "6",
        "Ứng dụng trí tuệ nhân tạo",
        "Application of artificial intelligence",
        [
            ("6.1", "Hiểu biết về trí tuệ nhân tạo", "Understanding artificial intelligence"),
            ("6.2", "Sử dụng trí tuệ nhân tạo", "Using artificial intelligence"),
            ("6.3", "Đánh giá trí tuệ nhân tạo", "Evaluating artificial intelligence"),
        ],
    ),
]


def load(FrameworkVersion, CompetenceArea, Competence) -> None:  # noqa: N803 - model classes
    """Create the framework if its version is missing (idempotent); works with historical models."""
    version, created = FrameworkVersion.objects.get_or_create(
        code=VERSION["code"],
        defaults={k: v for k, v in VERSION.items() if k != "code"}
        | {"is_current": not FrameworkVersion.objects.filter(is_current=True).exists()},
    )
    for a_order, (a_code, a_vi, a_en, competences) in enumerate(AREAS, start=1):
        area, _ = CompetenceArea.objects.get_or_create(
            version=version,
            code=a_code,
            defaults={"name_vi": a_vi, "name_en": a_en, "order": a_order},
        )
        for c_order, (c_code, c_vi, c_en) in enumerate(competences, start=1):
            Competence.objects.get_or_create(
                version=version,
                code=c_code,
                defaults={
                    "area": area,
                    "name_vi": c_vi,
                    "name_en": c_en,
                    "order": a_order * 10 + c_order,
                    "needs_check": True,
                },
            )
