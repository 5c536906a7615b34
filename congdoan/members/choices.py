"""Choices of the member registry: gender, status, ethnicity (the 54 official groups),
religion, education and professional qualification."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("member status", "Active")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT = "left", _("Left the union")
    SUSPENDED = "suspended", _("Suspended")
    DECEASED = "deceased", _("Deceased")
    # A duplicate record folded into another one by an officer; kept for its history.
    MERGED = "merged", _("Merged into another record")


# Statuses a member record can still change from (deceased and merged are final).
OPEN_STATUSES = frozenset({MemberStatus.ACTIVE, MemberStatus.SUSPENDED})


class Ethnicity(models.TextChoices):
    """The 54 ethnic groups with the General Statistics Office codes (Decision 121-TCTK/PPCĐ).

    Names are proper names: the same in every language.
    """

    KINH = "01", "Kinh"
    TAY = "02", "Tày"
    THAI = "03", "Thái"
    HOA = "04", "Hoa"
    KHMER = "05", "Khmer"
    MUONG = "06", "Mường"
    NUNG = "07", "Nùng"
    MONG = "08", "Mông"
    DAO = "09", "Dao"
    GIA_RAI = "10", "Gia Rai"
    NGAI = "11", "Ngái"
    E_DE = "12", "Ê Đê"
    BA_NA = "13", "Ba Na"
    XO_DANG = "14", "Xơ Đăng"
    SAN_CHAY = "15", "Sán Chay"
    CO_HO = "16", "Cơ Ho"
    CHAM = "17", "Chăm"
    SAN_DIU = "18", "Sán Dìu"
    HRE = "19", "Hrê"
    MNONG = "20", "Mnông"
    RAGLAY = "21", "Raglay"
    XTIENG = "22", "Xtiêng"
    BRU_VAN_KIEU = "23", "Bru Vân Kiều"
    THO = "24", "Thổ"
    GIAY = "25", "Giáy"
    CO_TU = "26", "Cơ Tu"
    GIE_TRIENG = "27", "Gié Triêng"
    MA = "28", "Mạ"
    KHO_MU = "29", "Khơ Mú"
    CO = "30", "Co"
    TA_OI = "31", "Tà Ôi"
    CHO_RO = "32", "Chơ Ro"
    KHANG = "33", "Kháng"
    XINH_MUN = "34", "Xinh Mun"
    HA_NHI = "35", "Hà Nhì"
    CHU_RU = "36", "Chu Ru"
    LAO = "37", "Lào"
    LA_CHI = "38", "La Chí"
    LA_HA = "39", "La Ha"
    PHU_LA = "40", "Phù Lá"
    LA_HU = "41", "La Hủ"
    LU = "42", "Lự"
    LO_LO = "43", "Lô Lô"
    CHUT = "44", "Chứt"
    MANG = "45", "Mảng"
    PA_THEN = "46", "Pà Thẻn"
    CO_LAO = "47", "Cơ Lao"
    CONG = "48", "Cống"
    BO_Y = "49", "Bố Y"
    SI_LA = "50", "Si La"
    PU_PEO = "51", "Pu Péo"
    BRAU = "52", "Brâu"
    O_DU = "53", "Ơ Đu"
    RO_MAM = "54", "Rơ Măm"


class Religion(models.TextChoices):
    NONE = "none", _("None")
    BUDDHISM = "buddhism", _("Buddhism")
    CATHOLICISM = "catholicism", _("Catholicism")
    PROTESTANTISM = "protestantism", _("Protestantism")
    CAODAISM = "caodaism", _("Cao Đài")
    HOA_HAO = "hoa_hao", _("Hoà Hảo Buddhism")
    ISLAM = "islam", _("Islam")
    OTHER = "other", _("Other religion")


class EducationLevel(models.TextChoices):
    """General education completed (the "x/12" of Vietnamese forms)."""

    PRIMARY = "primary", _("Primary (5/12)")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (9/12)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (12/12)")


class Qualification(models.TextChoices):
    NONE = "none", _("No professional qualification")
    ELEMENTARY = "elementary", _("Elementary vocational")
    INTERMEDIATE = "intermediate", _("Intermediate")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving unit")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Checked (dry run)")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The worker stopped (server killed or restarted) before the job ended: whole batches were
    # committed, the rest was not; running it again completes it (see members.importing.jobs).
    INTERRUPTED = "interrupted", _("Interrupted")


class AgeBand(models.TextChoices):
    UNDER_30 = "u30", _("Under 30")
    FROM_30_TO_39 = "30-39", _("30–39")
    FROM_40_TO_49 = "40-49", _("40–49")
    FROM_50 = "50+", _("50 and over")
