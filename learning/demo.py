"""Demo catalogue in Vietnamese: the six basic IT modules (IU01–IU06) and courses on the agency's software,
with assignments for Kiên Giang's branches (some already overdue) and some progress. Deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from core.models import User
from org.models import Officer, Position, Unit
from learning import selectors, services
from learning.models import Assignment, Course, Enrollment, Lesson

# (code, title, category, minutes, tags, summary, [(module, [(lesson title, kind, body or url, required)])])
CATALOGUE = [
    ("IU01", "IU01 – Hiểu biết về công nghệ thông tin cơ bản", Course.Category.BASIC_IT, 45, "IU01",
     "Máy tính, mạng, phần mềm và an toàn khi làm việc với máy tính tại cơ quan THADS.", [
         ("Máy tính và mạng", [
             ("Các bộ phận của máy tính", "text",
              "## Máy tính gồm những gì?\n\n- **Bộ xử lý (CPU)**: bộ não của máy.\n- **Bộ nhớ (RAM)**: nơi máy làm "
              "việc tạm thời; tắt máy là mất.\n- **Ổ cứng (HDD/SSD)**: nơi lưu hồ sơ lâu dài.\n\n"
              "Máy chậm khi mở phần mềm quản lý thi hành án? Thường là do thiếu RAM hoặc ổ cứng đầy.", True),
             ("Mạng nội bộ và Internet", "text",
              "Phần mềm quản lý thi hành án chạy trên máy chủ ở Trung ương; máy của đồng chí truy cập qua "
              "**mạng nội bộ ngành Tư pháp** hoặc Internet.\n\n1. Kiểm tra biểu tượng mạng ở góc màn hình.\n"
              "2. Nếu không vào được phần mềm, thử mở một trang khác để biết lỗi do mạng hay do phần mềm.", True),
         ]),
         ("An toàn khi dùng máy tính", [
             ("Mật khẩu và khóa màn hình", "text",
              "- Mật khẩu ít nhất 10 ký tự, có chữ hoa, chữ thường, số.\n- Không dán mật khẩu lên màn hình.\n"
              "- Rời bàn làm việc: nhấn **Windows + L** để khóa máy.", True),
         ]),
     ]),
    ("IU02", "IU02 – Sử dụng máy tính cơ bản", Course.Category.BASIC_IT, 40, "IU02",
     "Làm việc với tệp, thư mục, máy in và máy quét.", [
         ("Tệp và thư mục", [
             ("Sắp xếp hồ sơ điện tử", "text",
              "Đặt tên thư mục theo **số hồ sơ thi hành án** và năm, ví dụ `2025-123-QĐ`.\n\n"
              "Không lưu tài liệu trên màn hình Desktop: khi máy hỏng dễ mất dữ liệu.", True),
             ("Quét tài liệu thành PDF", "text",
              "1. Đặt văn bản lên máy quét.\n2. Chọn định dạng **PDF**, độ phân giải 200 dpi.\n"
              "3. Đặt tên tệp theo số văn bản.", True),
         ]),
     ]),
    ("IU03", "IU03 – Xử lý văn bản cơ bản", Course.Category.BASIC_IT, 60, "IU03",
     "Soạn thảo quyết định, thông báo đúng thể thức văn bản hành chính.", [
         ("Soạn thảo văn bản", [
             ("Thể thức văn bản hành chính", "text",
              "Theo Nghị định 30/2020/NĐ-CP: phông chữ **Times New Roman**, cỡ chữ 13–14, lề trên 20–25 mm, "
              "lề trái 30–35 mm.\n\n| Thành phần | Cỡ chữ |\n|---|---|\n| Quốc hiệu | 12–13, in hoa, đậm |\n"
              "| Nội dung | 13–14 |", True),
             ("Dùng mẫu quyết định có sẵn", "text",
              "Dùng mẫu để không phải gõ lại phần cố định; chỉ sửa các trường được tô màu.", True),
         ]),
     ]),
    ("IU04", "IU04 – Sử dụng bảng tính cơ bản", Course.Category.BASIC_IT, 60, "IU04",
     "Lập bảng theo dõi việc thi hành án và thống kê bằng bảng tính.", [
         ("Bảng tính", [
             ("Lập bảng theo dõi hồ sơ", "text",
              "Mỗi dòng là một việc thi hành án, mỗi cột là một thông tin: số thụ lý, ngày thụ lý, chấp hành viên, "
              "trạng thái.\n\nDùng **Lọc (Filter)** để xem các việc chưa có điều kiện thi hành.", True),
             ("Hàm đếm và cộng", "text",
              "- `=COUNTIF(D:D;\"Đã xong\")` đếm số việc đã xong.\n- `=SUMIF(C:C;\"Nguyễn Văn An\";E:E)` cộng số "
              "tiền đã thu của một chấp hành viên.", True),
         ]),
     ]),
    ("IU05", "IU05 – Sử dụng trình chiếu cơ bản", Course.Category.BASIC_IT, 30, "IU05",
     "Chuẩn bị bài trình bày cho cuộc họp giao ban.", [
         ("Trình chiếu", [
             ("Một trang chiếu, một ý", "text",
              "Mỗi trang chiếu chỉ một ý chính, không quá 6 dòng; số liệu nên đưa vào biểu đồ.", True),
         ]),
     ]),
    ("IU06", "IU06 – Sử dụng Internet cơ bản", Course.Category.BASIC_IT, 45, "IU06",
     "Tra cứu văn bản pháp luật, dùng thư điện tử và nhận biết trang web giả mạo.", [
         ("Internet", [
             ("Tra cứu văn bản pháp luật", "link", "https://vbpl.vn/", True),
             ("Nhận biết thư và trang giả mạo", "text",
              "Cảnh giác với thư yêu cầu **nhập mật khẩu** hoặc **chuyển tiền**. Kiểm tra địa chỉ người gửi có "
              "đuôi `@moj.gov.vn` hay không.", True),
         ]),
     ]),
    ("QLTHA", "Phần mềm quản lý thi hành án dân sự: cập nhật hồ sơ đúng hạn", Course.Category.CASE_SOFTWARE, 90,
     "IU06",
     "Nhập thụ lý, quyết định thi hành án, xác minh và các bước tiếp theo vào phần mềm ngay trong ngày.", [
         ("Thụ lý và ra quyết định", [
             ("Đăng nhập và tìm hồ sơ", "text",
              "1. Mở phần mềm bằng trình duyệt, đăng nhập bằng tài khoản thư công vụ.\n2. Tìm hồ sơ theo **số thụ "
              "lý** hoặc tên người phải thi hành án.\n3. Nếu không thấy, kiểm tra bộ lọc năm công tác.", True),
             ("Nhập thụ lý trong ngày", "text",
              "Cập nhật ngay ngày nhận đơn: chậm cập nhật làm số liệu thống kê sai và lãnh đạo không theo dõi "
              "được thời hạn **5 ngày làm việc** ra quyết định thi hành án.", True),
         ]),
         ("Xác minh và kết thúc", [
             ("Cập nhật kết quả xác minh", "text",
              "Sau khi xác minh điều kiện thi hành án, nhập biên bản xác minh và đính kèm bản quét PDF.", True),
             ("Kiểm tra cuối khóa", "quiz", "", True),
         ]),
     ]),
    ("QLVB", "Phần mềm quản lý văn bản và điều hành", Course.Category.E_OFFICE, 45, "IU06",
     "Nhận, xử lý và trình ký văn bản trên phần mềm thay cho giấy.", [
         ("Văn bản đến và đi", [
             ("Xử lý văn bản đến", "text",
              "Văn bản đến được văn thư vào sổ và chuyển lãnh đạo phân công. Đồng chí nhận văn bản ở mục **Chờ xử "
              "lý**, ghi ý kiến và chuyển tiếp.", True),
             ("Trình ký văn bản đi", "text",
              "Tải dự thảo lên, chọn người duyệt; sau khi ký số, văn thư phát hành và văn bản tự động lưu hồ sơ.",
              True),
         ]),
     ]),
    ("CKS", "Chữ ký số trong công tác thi hành án dân sự", Course.Category.E_OFFICE, 40, "IU06,IU14",
     "Ký số văn bản bằng USB token hoặc SIM ký số, kiểm tra chữ ký trên văn bản nhận được.", [
         ("Ký số", [
             ("Chữ ký số là gì", "text",
              "Chữ ký số có giá trị pháp lý như chữ ký tay và con dấu (Luật Giao dịch điện tử 2023).", True),
             ("Ký một văn bản PDF", "text",
              "1. Cắm USB token.\n2. Mở văn bản bằng phần mềm ký số.\n3. Chọn vị trí ký, nhập mã PIN.\n"
              "**Không** đưa mã PIN cho người khác, kể cả văn thư.", True),
             ("Kiểm tra chữ ký trên văn bản nhận được", "text",
              "Mở bảng chữ ký trong trình đọc PDF: dấu xanh là hợp lệ; cảnh báo vàng cần kiểm tra chứng thư.", False),
         ]),
     ]),
    ("EMAIL", "Hộp thư điện tử công vụ", Course.Category.E_OFFICE, 30, "IU06",
     "Dùng thư công vụ @moj.gov.vn hằng ngày, an toàn.", [
         ("Thư công vụ", [
             ("Đăng nhập và đổi mật khẩu", "text",
              "Lần đầu đăng nhập, đổi mật khẩu ngay. Bật xác thực hai lớp nếu được hỗ trợ.", True),
             ("Gửi văn bản kèm theo", "text",
              "Đính kèm bản PDF đã ký số; ghi rõ số, ngày văn bản trong tiêu đề thư.", True),
         ]),
     ]),
    ("HOP", "Họp trực tuyến", Course.Category.E_OFFICE, 25, "IU06",
     "Tham gia và chủ trì cuộc họp trực tuyến của ngành.", [
         ("Họp trực tuyến", [
             ("Chuẩn bị trước giờ họp", "text",
              "Vào phòng họp trước 10 phút, kiểm tra **micro**, **loa** và camera; tắt micro khi không phát biểu.",
              True),
             ("Chia sẻ màn hình khi báo cáo", "text",
              "Đóng các cửa sổ có thông tin đương sự trước khi chia sẻ màn hình.", True),
         ]),
     ]),
    ("ATTT", "An toàn thông tin cho cán bộ (ôn tập hằng năm)", Course.Category.SECURITY, 30, "IU14",
     "Những thói quen bảo vệ dữ liệu đương sự và tài khoản công vụ.", [
         ("An toàn thông tin", [
             ("Bảo vệ dữ liệu đương sự", "text",
              "Không gửi hồ sơ qua thư cá nhân hay mạng xã hội. Không cắm USB lạ vào máy cơ quan.", True),
         ]),
     ]),
]

# Completion rules and options a trainer chose on some demo courses (others keep the learner's tick).
COURSE_OPTIONS = {"HOP": {"lock_order": True}, "CKS": {"lock_order": True}}
LESSON_RULES = {
    ("HOP", "Chuẩn bị trước giờ họp"): {"completion_rule": "time", "completion_minutes": 2},
    ("HOP", "Chia sẻ màn hình khi báo cáo"): {"completion_rule": "viewed"},
    ("CKS", "Chữ ký số là gì"): {"completion_rule": "viewed"},
    ("CKS", "Ký một văn bản PDF"): {"completion_rule": "time", "completion_minutes": 3},
    ("CKS", "Kiểm tra chữ ký trên văn bản nhận được"): {"completion_rule": "trainer"},
    ("IU06", "Tra cứu văn bản pháp luật"): {"completion_rule": "viewed"},
}

# (course code, unit code, position codes or empty for all, due in days from today, recertify months)
ASSIGNMENTS = [
    ("QLTHA", "KG", ["enforcement_officer", "clerk"], 20, None),
    ("CKS", "KG-RG", [], -5, None),
    ("EMAIL", "KG", [], 30, None),
    ("ATTT", "KG", [], -2, 12),
    ("IU01", "KG-HT", [], 10, None),
]
# Assignments with a relative due date: officers enrolled later have this many days from their enrolment.
DUE_DAYS_AFTER_ENROLMENT = {"EMAIL": 21}


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if Course.objects.filter(code="IU01").exists() or not Unit.objects.filter(code="KG").exists():
        return
    trainer = User.objects.filter(username="giangvien").first()
    courses = {}
    for code, title, category, minutes, tags, summary, modules in CATALOGUE:
        course = services.course_create(by=trainer, code=code, title=title, category=category,
                                        estimated_minutes=minutes, skill_tags=tags, summary=summary,
                                        level=Course.Level.BEGINNER, **COURSE_OPTIONS.get(code, {}))
        for module_title, lessons in modules:
            module = services.module_save(course=course, title=module_title)
            for lesson_title, kind, content, required in lessons:
                fields = {"body": content} if kind in ("text", "quiz") else {"url": content}
                fields.update(LESSON_RULES.get((code, lesson_title), {}))
                services.lesson_save(module=module, title=lesson_title, kind=kind, is_required=required, **fields)
        if course.lessons.filter(kind=Lesson.Kind.QUIZ).exists():
            # The quizzes demo attaches the final quiz afterwards; publishing through the service would
            # (rightly) refuse a quiz lesson without a quiz, so this demo history sets the status itself.
            Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED, published_at=timezone.now())
        else:
            services.course_publish(course=course)
        course.refresh_from_db()
        courses[code] = course
    courses["QLTHA"].prerequisites.add(courses["IU01"])
    today = timezone.localdate()
    for code, unit_code, position_codes, days, months in ASSIGNMENTS:
        unit = Unit.objects.get(code=unit_code)
        # Demo history: assignments made weeks ago, some of which are past due today.
        assignment = Assignment.objects.create(course=courses[code], unit=unit, due_date=today + dt.timedelta(days=days),
                                               recertify_months=months, created_by=trainer,
                                               due_days_after_enrolment=DUE_DAYS_AFTER_ENROLMENT.get(code))
        assignment.positions.set(Position.objects.filter(code__in=position_codes))
        services.assignment_sync_enrollments(assignment=assignment)
    # Progress: about half the officers started; a third of those finished.
    for enrollment in Enrollment.objects.select_related("course", "officer").order_by("pk"):
        if enrollment.officer.user.username in ("canbomoi",):
            continue
        roll = rng.random()
        if roll < 0.5:
            continue
        lessons = list(Lesson.objects.filter(course=enrollment.course).active().in_order())
        manual = [lesson for lesson in lessons if lesson.kind != Lesson.Kind.QUIZ]
        if not selectors.course_prerequisites_missing(officer=enrollment.officer, course=enrollment.course):
            upto = len(manual) if roll > 0.8 else max(1, len(manual) // 2)
            for lesson in manual[:upto]:
                services.lesson_open(officer=enrollment.officer, lesson=lesson)
                # Lessons with another rule than the learner's tick count as done in the demo's history.
                services.lesson_progress_complete(officer=enrollment.officer, lesson=lesson,
                                                  source="manual" if lesson.learner_may_tick else "import")
    # The demo officer "canbo" has finished IU01 and holds its certificate.
    canbo = Officer.objects.filter(user__username="canbo").first()
    if canbo:
        services.enrollment_self_enroll(officer=canbo, course=courses["IU01"])
        for lesson in courses["IU01"].lessons.active():
            services.lesson_progress_complete(officer=canbo, lesson=lesson)
