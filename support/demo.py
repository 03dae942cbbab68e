"""Demo: an IT focal person for the Cục and every Chi cục, 15 how-to articles, requests in each state."""

from __future__ import annotations

import random
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from org.models import Officer, Unit
from support import services
from support.models import Article, FocalPerson, HelpRequest, RequestStatus

SOFTWARE = [
    ("QLTHA", "Phần mềm quản lý quá trình thụ lý, tổ chức thi hành án và báo cáo thống kê"),
    ("QLVB", "Phần mềm quản lý văn bản và điều hành"), ("CKS", "Chữ ký số"),
    ("VBDT", "Giao nhận văn bản điện tử"), ("EMAIL", "Hòm thư điện tử công vụ"),
    ("HTTT", "Phần mềm hỗ trợ trực tuyến THADS"), ("HOP", "Họp trực tuyến"), ("WEB", "Trang thông tin điện tử"),
]

ARTICLES = [
    ("CKS", "Ký số văn bản bằng USB token", "1. Cắm USB token vào máy tính.\n2. Mở văn bản trong phần mềm quản lý văn bản, bấm **Ký số**.\n3. Chọn chứng thư số của đồng chí, nhập mã PIN.\n4. Kiểm tra dòng “Đã ký” dưới văn bản."),
    ("CKS", "Máy không nhận USB token", "1. Rút USB token, cắm sang cổng USB khác (cổng phía sau máy).\n2. Cài lại trình điều khiển từ trang của nhà cung cấp chứng thư.\n3. Khởi động lại máy rồi thử lại."),
    ("CKS", "Quên mã PIN của USB token", "Nhập sai mã PIN quá số lần cho phép sẽ khoá token. Liên hệ cán bộ đầu mối CNTT để đề nghị nhà cung cấp mở khoá; không tự thử nhiều lần."),
    ("QLTHA", "Cập nhật bước thi hành án khi mất mạng", "1. Ghi lại ngày ra văn bản và số văn bản trên giấy.\n2. Khi có mạng, vào hồ sơ, bấm **Ghi nhận bước** và nhập đúng ngày ra văn bản (không phải ngày nhập).\n3. Ghi chú “nhập bổ sung do mất mạng”."),
    ("QLTHA", "Tìm hồ sơ theo tên đương sự không dấu", "Gõ tên không dấu, ví dụ “nguyen van a”, vào ô tìm kiếm hồ sơ; kết quả gồm cả tên có dấu."),
    ("QLTHA", "Sửa một bước đã ghi nhận sai ngày", "Mở hồ sơ, bấm **Sửa** ở bước cần sửa, nhập ngày đúng và lý do. Phiên bản cũ vẫn được lưu để đối chiếu."),
    ("QLVB", "Chuyển văn bản đến cho lãnh đạo xử lý", "1. Mở văn bản đến.\n2. Bấm **Chuyển xử lý**, chọn lãnh đạo.\n3. Ghi ý kiến đề xuất rồi bấm **Gửi**."),
    ("QLVB", "Tra cứu văn bản đã ban hành", "Vào mục **Văn bản đi**, lọc theo năm và số ký hiệu; có thể gõ trích yếu không dấu."),
    ("VBDT", "Gửi văn bản điện tử cho đơn vị khác", "1. Văn bản phải được ký số trước.\n2. Bấm **Gửi liên thông**, chọn đơn vị nhận.\n3. Kiểm tra trạng thái “Đã nhận” sau ít phút."),
    ("EMAIL", "Đăng nhập hộp thư công vụ lần đầu", "1. Mở trang hộp thư công vụ của Bộ.\n2. Đăng nhập bằng tên thư (phần trước @moj.gov.vn) và mật khẩu được cấp.\n3. Đổi mật khẩu ngay: ít nhất 10 ký tự, có chữ và số."),
    ("EMAIL", "Đặt chữ ký cuối thư", "Vào **Cài đặt → Chữ ký**, ghi họ tên, chức vụ, đơn vị, số điện thoại cơ quan."),
    ("HOP", "Tham gia họp trực tuyến bằng máy tính", "1. Mở đường dẫn cuộc họp trong thư mời.\n2. Cho phép trình duyệt dùng micro và camera.\n3. Tắt micro khi không phát biểu."),
    ("HOP", "Không nghe được tiếng trong cuộc họp", "Kiểm tra loa chưa bị tắt, chọn đúng thiết bị âm thanh trong phần cài đặt của cuộc họp, thử rút và cắm lại tai nghe."),
    ("HTTT", "Gửi câu hỏi nghiệp vụ lên hệ thống hỗ trợ trực tuyến", "Đăng nhập hệ thống hỗ trợ, chọn lĩnh vực, mô tả ngắn gọn vụ việc, đính kèm văn bản liên quan."),
    ("WEB", "Đăng tin lên trang thông tin điện tử của Cục", "Soạn tin kèm ảnh, gửi cán bộ phụ trách trang để duyệt; tin đăng trong ngày làm việc."),
]

# The focal persons' own training track: advanced IU modules and supporting colleagues.
FOCAL_COURSE = ("DM-CNTT", "Cán bộ đầu mối CNTT: kỹ năng nâng cao và hỗ trợ đồng nghiệp", [
    ("IU07 – Xử lý văn bản nâng cao", [
        ("Mẫu văn bản hành chính và trộn thư", "Tạo mẫu quyết định theo Nghị định 30/2020/NĐ-CP, trộn danh sách đương sự."),
        ("Theo dõi thay đổi và bảo vệ tài liệu", "Bật theo dõi thay đổi, so sánh hai bản, khoá phần không được sửa."),
    ]),
    ("IU08 – Bảng tính nâng cao", [
        ("Bảng tổng hợp số liệu thi hành án", "Dùng PivotTable tổng hợp việc, tiền theo chấp hành viên và tháng."),
    ]),
    ("IU15 – An toàn thông tin cho đơn vị", [
        ("Sao lưu và mã độc", "Lịch sao lưu, nhận biết thư lừa đảo, xử lý máy nhiễm mã độc."),
    ]),
    ("Hỗ trợ đồng nghiệp", [
        ("Tiếp nhận yêu cầu và hỏi đúng câu", "Hỏi phần mềm nào, thao tác gì, thông báo lỗi ra sao; xin ảnh chụp màn hình."),
        ("Viết bài hướng dẫn ngắn", "Mỗi bước một dòng, kèm ảnh; chuyển câu trả lời hay thành bài trong thư viện."),
        ("Danh sách cần hỗ trợ hằng tuần", "Đọc danh sách, chọn việc nên làm, ghi lại để tuần sau xem hiệu quả."),
    ]),
])

REQUESTS = [
    ("CKS", "Không ký số được văn bản, báo lỗi chứng thư", RequestStatus.NEW, 0),
    ("QLTHA", "Không lưu được bước xác minh điều kiện thi hành án", RequestStatus.IN_PROGRESS, 1),
    ("EMAIL", "Quên mật khẩu hộp thư công vụ", RequestStatus.WAITING, 1),
    ("HOP", "Không vào được cuộc họp trực tuyến sáng thứ Hai", RequestStatus.DONE, 1),
    ("QLVB", "Văn bản đến không hiện trong danh sách", RequestStatus.NEW, 0),
]


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if FocalPerson.objects.exists() or not Unit.objects.filter(code="KG").exists():
        return
    software_model = apps.get_model("analytics", "Software")
    software = {code: software_model.objects.get_or_create(code=code, defaults={"name": name})[0]
                for code, name in SOFTWARE}
    admin = Officer.objects.select_related("user").get(user__username="quantri").user
    root = Unit.objects.get(code="KG")
    trainer = Officer.objects.select_related("user").get(user__username="giangvien").user
    # The track exists before anyone is named: naming a focal person enrols them in it (the rule).
    _seed_focal_course(trainer=trainer)
    for officer in Officer.objects.select_related("unit", "unit__kind").filter(is_it_focal=True).order_by("pk"):
        # The Cục's focal person works in one of its divisions; a Chi cục's in the Chi cục itself.
        unit = root if officer.unit.kind.code == "division" else officer.unit
        if not FocalPerson.objects.filter(unit=unit).exists():
            services.focal_person_set(unit=unit, officer=officer, kind="main", phone=f"0297 38{rng.randint(10000, 99999)}",
                                      by=admin)
    articles = [services.article_create(title=title, body=body, software=software[code], by=trainer)
                for code, title, body in ARTICLES]
    requester = Officer.objects.select_related("unit", "user").get(user__username="canbo")
    for code, subject, status, replies in REQUESTS:
        request = services.help_request_create(requester=requester, subject=subject, software=software[code],
                                               description="Đã thử khởi động lại máy nhưng vẫn lỗi.",
                                               page_url="/cases/todo/", by=requester.user)
        focal = FocalPerson.objects.filter(unit=request.unit).select_related("officer__user").first()
        answerer = focal.officer.user if focal else admin
        if replies:
            related = next((article for article in articles if article.software_id == software[code].pk), None)
            services.help_request_reply(request=request, body="Đồng chí làm theo hướng dẫn sau rồi báo lại giúp.",
                                        article=related, by=answerer, status=RequestStatus.WAITING)
        if status in (RequestStatus.IN_PROGRESS, RequestStatus.DONE):
            services.help_request_set_status(request=request, status=status, by=answerer)
        if status == RequestStatus.DONE:
            services.help_request_rate(request=request, rating=5, comment="Cảm ơn, đã vào họp được.", by=requester.user)
            services.article_vote(article=articles[11], user=requester.user, helpful=True)
    # The same question asked again by colleagues, typed with and without accents: the figures page
    # groups them as one of the most asked questions.
    colleagues = Officer.objects.select_related("unit", "user").filter(unit=requester.unit).exclude(
        pk=requester.pk).order_by("pk")[:2]
    for colleague, subject in zip(colleagues, ["khong ky so duoc van ban, bao loi chung thu",
                                               "Ký số văn bản không được: lỗi chứng thư số"], strict=False):
        again = services.help_request_create(requester=colleague, subject=subject, software=software["CKS"],
                                             page_url="/cases/todo/", by=colleague.user)
        services.help_request_set_status(request=again, status=RequestStatus.IN_PROGRESS, by=admin)
    # One request from last week that nobody answered: it has gone up to the provincial focal person.
    late = HelpRequest.objects.filter(requester=requester, status=RequestStatus.NEW).order_by("pk").first()
    past = timezone.now() - timedelta(days=7)
    HelpRequest.objects.filter(pk=late.pk).update(created_at=past, due_at=past + timedelta(days=2))
    services.help_requests_escalate()
    Article.objects.filter(pk=articles[0].pk).update(helpful_yes=12, helpful_no=1)


def _seed_focal_course(*, trainer) -> None:  # noqa: ANN001
    """The focal persons' course (`THADS_FOCAL_TRACK_COURSES`), published; `focal_person_set` enrols
    each focal person in it."""
    from learning import services as learning_services
    from learning.models import Course

    code, title, modules = FOCAL_COURSE
    if Course.objects.filter(code=code).exists():
        return
    course = learning_services.course_create(by=trainer, code=code, title=title,
                                             category=Course.Category.ADVANCED_IT, estimated_minutes=120,
                                             skill_tags="IU07 IU08 IU15", level=Course.Level.ADVANCED,
                                             summary="Khoá học dành cho cán bộ đầu mối CNTT của Cục và các Chi cục.")
    for module_title, lessons in modules:
        module = learning_services.module_save(course=course, title=module_title)
        for lesson_title, body in lessons:
            learning_services.lesson_save(module=module, title=lesson_title, kind="text", is_required=True, body=body)
    learning_services.course_publish(course=course)
