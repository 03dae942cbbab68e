"""The seed catalogue of software (DOMAIN.md): codes, names, meaningful actions and the positions
expected to use each. It is data: migration 0003 loads it once, administrators edit it afterwards.
Kept here so that a position created later (the staff list arrives after the migration) is linked
to the software that expects its code (`analytics.signals.position_created`)."""

from __future__ import annotations

# Positions are org data created after migrations run; they are matched by code.
LEADERS = ("head", "deputy_head")
CASE_STAFF = ("enforcement_officer", "inspector", "clerk")

# (code, name, description, [(action code, action name)], expected position codes; () = everyone)
SOFTWARE = [
    ("QLTHA", "Quản lý quá trình thụ lý, tổ chức thi hành án và báo cáo thống kê",
     "Phần mềm quản lý hồ sơ thi hành án dân sự và báo cáo thống kê.",
     [("step_recorded", "Cập nhật bước thi hành án"), ("case_opened", "Thụ lý hồ sơ"),
      ("report_sent", "Gửi báo cáo thống kê")],
     LEADERS + CASE_STAFF),
    ("QLVB", "Quản lý văn bản và điều hành", "Phần mềm quản lý văn bản và điều hành.",
     [("document_processed", "Xử lý văn bản"), ("document_issued", "Ban hành văn bản"),
      ("task_assigned", "Giao xử lý văn bản")],
     LEADERS + CASE_STAFF + ("accountant", "records_clerk")),
    ("CKS", "Chữ ký số", "Ký số văn bản điện tử.",
     [("document_signed", "Ký số văn bản")],
     LEADERS + ("accountant", "records_clerk")),
    ("VBDT", "Giao nhận văn bản điện tử", "Gửi, nhận văn bản điện tử giữa các cơ quan.",
     [("document_sent", "Gửi văn bản điện tử"), ("document_received", "Tiếp nhận văn bản điện tử")],
     LEADERS + ("records_clerk",)),
    ("EMAIL", "Hòm thư điện tử công vụ", "Thư điện tử công vụ (…@moj.gov.vn).",
     [("mail_sent", "Gửi thư điện tử công vụ")],
     ()),
    ("HTTT", "Hỗ trợ trực tuyến THADS", "Phần mềm hỗ trợ trực tuyến nghiệp vụ thi hành án dân sự.",
     [("question_sent", "Gửi câu hỏi nghiệp vụ"), ("answer_viewed", "Tra cứu giải đáp")],
     CASE_STAFF),
    ("HOP", "Họp trực tuyến", "Hội nghị, họp trực tuyến.",
     [("meeting_attended", "Tham dự họp trực tuyến"), ("meeting_hosted", "Chủ trì họp trực tuyến")],
     LEADERS),
    ("WEB", "Trang thông tin điện tử", "Trang thông tin điện tử của đơn vị.",
     [("post_published", "Đăng tin bài")],
     ("records_clerk",)),
]

XAPI_BASE = "https://thads.moj.gov.vn/xapi/"
# (verb IRI, activity IRI or "" for any, software code, action code)
XAPI_MAPPINGS = [
    ("http://adlnet.gov/expapi/verbs/attended", "", "HOP", "meeting_attended"),
    ("http://activitystrea.ms/schema/1.0/host", "", "HOP", "meeting_hosted"),
    (XAPI_BASE + "verbs/signed", "", "CKS", "document_signed"),
    ("http://activitystrea.ms/schema/1.0/send", XAPI_BASE + "activities/email", "EMAIL", "mail_sent"),
    ("http://activitystrea.ms/schema/1.0/send", XAPI_BASE + "activities/edoc", "VBDT", "document_sent"),
    ("http://activitystrea.ms/schema/1.0/receive", XAPI_BASE + "activities/edoc", "VBDT", "document_received"),
    (XAPI_BASE + "verbs/processed", XAPI_BASE + "activities/document", "QLVB", "document_processed"),
    ("http://activitystrea.ms/schema/1.0/post", XAPI_BASE + "activities/portal", "WEB", "post_published"),
    ("http://adlnet.gov/expapi/verbs/asked", XAPI_BASE + "activities/support", "HTTT", "question_sent"),
]

# The action a case step recorded in this site counts as.
SITE_STEP_SOFTWARE = "QLTHA"


def expected_codes_by_software() -> dict[str, tuple[str, ...]]:
    return {code: positions for code, _name, _description, _actions, positions in SOFTWARE}
