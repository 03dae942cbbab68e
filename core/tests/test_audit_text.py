"""The audit log says what happened in Vietnamese, not as raw data."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from core.services import audit_record
from core.templatetags.audit_text import audit_detail


def test_role_change_detail_is_said_in_vietnamese():
    with translation.override("vi"):
        assert audit_detail({"change": "add", "roles": ["officer", "trainer"]}) == \
            "Thay đổi: thêm · Vai trò: Cán bộ, Giảng viên"
        assert audit_detail({"kind": "staff", "sha256": "a" * 64, "create": 3}) == \
            "Loại: danh sách cán bộ · Dấu vân tệp: aaaaaaaaaa… · Tạo mới: 3"
        assert audit_detail({}) == ""


def test_audit_page_shows_no_raw_dictionary(world, client_for):
    from core.models import AuditEvent

    audit_record(action=AuditEvent.Action.ROLE_CHANGED, target="canbo", detail={"change": "add", "roles": ["officer"]})
    body = client_for("admin").get(reverse("core:audit-log")).content.decode()
    assert "Thay đổi: thêm · Vai trò: Cán bộ" in body and "{&#x27;change" not in body


def test_detail_reads_the_same_whatever_order_the_keys_come_in():
    from core.templatetags.audit_text import audit_detail

    assert audit_detail({"roles": ["officer"], "change": "add"}) == audit_detail({"change": "add", "roles": ["officer"]})


def test_signatory_and_co_trainer_changes_are_said_in_vietnamese():
    with translation.override("vi"):
        assert audit_detail({"before": {"signer_name": "Lê Văn Ký", "seal": ""},
                             "after": {"signer_name": "Phạm Thị Mới", "seal": "org/signatories/3/dau.png"}}) == \
            "Trước: Họ tên người ký: Lê Văn Ký; Ảnh con dấu: — · " \
            "Sau: Họ tên người ký: Phạm Thị Mới; Ảnh con dấu: org/signatories/3/dau.png"
        assert audit_detail({"before": {"co_trainers": []}, "after": {"co_trainers": ["gv@moj.gov.vn"]}}) == \
            "Trước: Giảng viên cùng dạy: — · Sau: Giảng viên cùng dạy: gv@moj.gov.vn"
