"""Demo organisation: Kiên Giang as it was in 2021 — the provincial department, its divisions and its
15 district branches — with about 300 officers and one demo account per role. Deterministic."""

from __future__ import annotations

import random

from django.db import transaction

from core.roles import Role
from core.text import fold
from org import services
from org.models import ITLevel, Position, Unit, UnitKind

DEMO_PASSWORD = "Thads@2026demo"

KINDS = [
    ("provincial_department", "Cục Thi hành án dân sự tỉnh", 1),
    ("division", "Phòng chuyên môn", 2),
    ("district_branch", "Chi cục Thi hành án dân sự huyện", 3),
    ("regional_office", "Phòng Thi hành án dân sự khu vực", 4),
]
POSITIONS = [
    ("head", "Thủ trưởng", 1),
    ("deputy_head", "Phó Thủ trưởng", 2),
    ("enforcement_officer", "Chấp hành viên", 3),
    ("inspector", "Thẩm tra viên", 4),
    ("clerk", "Thư ký thi hành án", 5),
    ("accountant", "Kế toán", 6),
    ("storekeeper", "Thủ kho", 7),
    ("records_clerk", "Văn thư", 8),
    ("driver", "Lái xe", 9),
    ("other", "Khác", 10),
]
DIVISIONS = [
    ("KG-VP", "Văn phòng Cục"),
    ("KG-NV", "Phòng Nghiệp vụ và Tổ chức thi hành án"),
    ("KG-KT", "Phòng Kiểm tra, giải quyết khiếu nại, tố cáo"),
    ("KG-TCKT", "Phòng Tài chính - Kế toán"),
]
BRANCHES = [
    ("KG-RG", "Rạch Giá"), ("KG-HT", "Hà Tiên"), ("KG-PQ", "Phú Quốc"), ("KG-KL", "Kiên Lương"),
    ("KG-HD", "Hòn Đất"), ("KG-TH", "Tân Hiệp"), ("KG-CT", "Châu Thành"), ("KG-GR", "Giồng Riềng"),
    ("KG-GQ", "Gò Quao"), ("KG-AB", "An Biên"), ("KG-AM", "An Minh"), ("KG-VT", "Vĩnh Thuận"),
    ("KG-UMT", "U Minh Thượng"), ("KG-GT", "Giang Thành"), ("KG-KH", "Kiên Hải"),
]
SURNAMES = ["Nguyễn"] * 10 + ["Trần"] * 4 + ["Lê"] * 3 + ["Phạm"] * 2 + [
    "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lâm", "Danh", "Thạch"]
MIDDLE_MALE = ["Văn", "Văn", "Minh", "Hoàng", "Quốc", "Thanh", "Hữu", "Công", "Đức", "Trung"]
MIDDLE_FEMALE = ["Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Bích", "Phương"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khang", "Khoa", "Lâm", "Long",
              "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Tuấn", "Vinh"]
GIVEN_FEMALE = ["Anh", "Châu", "Diễm", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
                "Mai", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến"]
IT_LEVEL_WEIGHTS = [(ITLevel.NONE, 8), (ITLevel.A, 30), (ITLevel.B, 35), (ITLevel.BASIC, 22), (ITLevel.ADVANCED, 5)]

# (username, full name, unit code, position code, roles, must change password)
DEMO_ACCOUNTS = [
    ("canbo", "Nguyễn Văn An", "KG-RG", "enforcement_officer", {Role.OFFICER}, False),
    ("canbomoi", "Trần Thị Bích Ngọc", "KG-RG", "clerk", {Role.OFFICER}, True),
    ("giangvien", "Lê Minh Khoa", "KG-VP", "other", {Role.OFFICER, Role.TRAINER}, False),
    ("quanly", "Phạm Hoàng Long", "KG-RG", "head", {Role.OFFICER, Role.UNIT_MANAGER}, False),
    ("lanhdao", "Huỳnh Quốc Thắng", "KG", "head", {Role.OFFICER, Role.PROVINCIAL_LEADER}, False),
    ("bantochuc", "Võ Thị Thu Hà", "KG-VP", "other", {Role.OFFICER, Role.CONTEST_ORGANISER}, False),
    ("giamkhao", "Đặng Công Sơn", "KG-NV", "inspector", {Role.OFFICER, Role.JUDGE}, False),
    ("quantri", "Trương Đức Phúc", "KG-VP", "other", {Role.OFFICER, Role.ADMIN}, False),
]


def _staffing(is_branch: bool) -> list[str]:
    if is_branch:
        return (["head"] + ["deputy_head"] * 2 + ["enforcement_officer"] * 7 + ["clerk"] * 3
                + ["accountant", "storekeeper", "records_clerk", "driver"])
    return ["head", "deputy_head"] + ["inspector"] * 3 + ["enforcement_officer"] * 4 + ["clerk"] * 3 + ["other"] * 2


def _person(rng: random.Random) -> str:
    female = rng.random() < 0.45
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{rng.choice(SURNAMES)} {middle} {given}"


def _email(full_name: str, unit_code: str, taken: set[str]) -> str:
    parts = fold(full_name).split()
    base = parts[-1] + "".join(part[0] for part in parts[:-1]) + "." + unit_code.lower().replace("-", "")
    email, counter = f"{base}@moj.gov.vn", 1
    while email in taken:
        counter += 1
        email = f"{base}{counter}@moj.gov.vn"
    taken.add(email)
    return email


def _weighted(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weights], weights=[weight for _, weight in weights])[0]


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if Unit.objects.filter(code="KG").exists():
        return
    kinds = {code: UnitKind.objects.create(code=code, name=name, order=order) for code, name, order in KINDS}
    positions = {code: Position.objects.create(code=code, name=name, order=order) for code, name, order in POSITIONS}
    root = services.unit_create(code="KG", name="Cục Thi hành án dân sự tỉnh Kiên Giang",
                                kind=kinds["provincial_department"])
    units = {"KG": root}
    _demo_signatory(root)
    for code, name in DIVISIONS:
        units[code] = services.unit_create(code=code, name=name, kind=kinds["division"], parent=root)
    for code, name in BRANCHES:
        prefix = "Chi cục Thi hành án dân sự thành phố" if name in {"Rạch Giá", "Hà Tiên", "Phú Quốc"} else \
            "Chi cục Thi hành án dân sự huyện"
        units[code] = services.unit_create(code=code, name=f"{prefix} {name}", kind=kinds["district_branch"],
                                           parent=root)
    taken: set[str] = set()
    for username, full_name, unit_code, position_code, roles, must_change in DEMO_ACCOUNTS:
        officer = services.officer_create(
            full_name=full_name, email=_email(full_name, unit_code, taken), unit=units[unit_code],
            position=positions[position_code], username=username, it_level=ITLevel.B, password=DEMO_PASSWORD,
            roles=roles, is_it_focal=username == "giangvien",
        )
        if not must_change:
            type(officer.user).objects.filter(pk=officer.user_id).update(must_change_password=False)
    # The demo leader and manager are the heads of KG and KG-RG; no second head there.
    headed = {unit_code for _, _, unit_code, position_code, _, _ in DEMO_ACCOUNTS if position_code == "head"}
    staffing = [("KG", _staffing(False)[1:5])] + [(code, _staffing(False)[2:]) for code, _ in DIVISIONS[:2]] + [
        (code, ["clerk", "other", "other"]) for code, _ in DIVISIONS[2:]] + [(code, _staffing(True)) for code, _ in BRANCHES]
    for unit_code, posts in staffing:
        posts = [post for post in posts if not (post == "head" and unit_code in headed)]
        for index, position_code in enumerate(posts):
            full_name = _person(rng)
            services.officer_create(
                full_name=full_name, email=_email(full_name, unit_code, taken), unit=units[unit_code],
                position=positions[position_code], it_level=_weighted(rng, IT_LEVEL_WEIGHTS),
                is_it_focal=index == len(posts) - 1 and unit_code != "KG",
                roles={Role.OFFICER, Role.UNIT_MANAGER} if position_code == "head" and unit_code != "KG" else None,
            )


def _sample_seal_png() -> bytes:
    """A red ring marked "MẪU" (sample): shows where a unit's seal prints, without imitating a real one."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from core.certificates import FONT_PATH

    image = Image.new("RGBA", (300, 300), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 20, 20, 210)
    draw.ellipse((10, 10, 290, 290), outline=red, width=12)
    draw.ellipse((45, 45, 255, 255), outline=red, width=4)
    draw.text((150, 150), "MẪU", fill=red, anchor="mm", font=ImageFont.truetype(str(FONT_PATH), 64))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _demo_signatory(root: Unit) -> None:
    from django.core.files.base import ContentFile

    from org.models import UnitSignatory

    signer = next(full_name for username, full_name, *_rest in DEMO_ACCOUNTS if username == "lanhdao")
    signatory = UnitSignatory(unit=root, parent_agency="Tổng cục Thi hành án dân sự", place="Kiên Giang",
                              signer_title="Cục trưởng", signer_name=signer)
    signatory.seal.save("con-dau-mau.png", ContentFile(_sample_seal_png()), save=False)
    signatory.save()
