"""The union document types seeded by the data migration (shared/DOMAIN.md, Decision 933/QĐ-TLĐ).

They are rows of :class:`~congdoan.documents.models.DocumentType`, so an administrator can
correct a name or abbreviation without a code change.
"""

# (code, Vietnamese name, abbreviation, is_copy)
DOCUMENT_TYPES = [
    ("cong-van", "Công văn", "", False),
    ("nghi-quyet", "Nghị quyết", "NQ", False),
    ("quyet-dinh", "Quyết định", "QĐ", False),
    ("chi-thi", "Chỉ thị", "CT", False),
    ("quy-che", "Quy chế", "QC", False),
    ("quy-dinh", "Quy định", "QyĐ", False),
    ("thong-cao", "Thông cáo", "TC", False),
    ("thong-bao", "Thông báo", "TB", False),
    ("huong-dan", "Hướng dẫn", "HD", False),
    ("chuong-trinh", "Chương trình", "CTr", False),
    ("ke-hoach", "Kế hoạch", "KH", False),
    ("phuong-an", "Phương án", "PA", False),
    ("de-an", "Đề án", "ĐA", False),
    ("du-an", "Dự án", "DA", False),
    ("bao-cao", "Báo cáo", "BC", False),
    ("bien-ban", "Biên bản", "BB", False),
    ("to-trinh", "Tờ trình", "TTr", False),
    ("hop-dong", "Hợp đồng", "HĐ", False),
    ("cong-dien", "Công điện", "CĐ", False),
    ("ban-ghi-nho", "Bản ghi nhớ", "BGN", False),
    ("ban-thoa-thuan", "Bản thoả thuận", "BTT", False),
    ("giay-uy-quyen", "Giấy uỷ quyền", "GUQ", False),
    ("giay-moi", "Giấy mời", "GM", False),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT", False),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP", False),
    ("phieu-gui", "Phiếu gửi", "PG", False),
    ("phieu-chuyen", "Phiếu chuyển", "PC", False),
    ("phieu-bao", "Phiếu báo", "PB", False),
    ("sao-y", "Bản sao y", "SY", True),
    ("trich-sao", "Bản trích sao", "TrS", True),
    ("sao-luc", "Bản sao lục", "SL", True),
]
