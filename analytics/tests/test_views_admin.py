"""Administration pages: catalogue, import journey with progress, xAPI tokens, score settings and formula."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.models import (
    AdoptionScore, ImportMapping, ScoreSettings, Software, SoftwareAction, UsageEvent, UsageImport, XapiToken,
)
from analytics.services import imports

CSV = ("Email,Thao tác,Thời gian,Mã\n"
       "officer@moj.gov.vn,mail_sent,02/03/2026 08:15,v-1\n"
       "manager@moj.gov.vn,Gửi thư điện tử công vụ,02/03/2026 09:15,v-2\n"
       "khach@example.com,mail_sent,02/03/2026 09:15,v-3\n")


def map_email(user=None) -> Software:  # noqa: ANN001
    software = Software.objects.get(code="EMAIL")
    imports.import_mapping_save(software=software, email_header="Email", username_header="", action_header="Thao tác",
                                occurred_at_header="Thời gian", event_id_header="Mã", user=user)
    return software


def test_catalogue_lists_the_seeded_software_in_few_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    client.get(reverse("analytics:admin-software-list"))  # warm the per-user caches
    with django_assert_max_num_queries(8):
        body = client.get(reverse("analytics:admin-software-list")).content.decode()
    for code in ("QLTHA", "QLVB", "CKS", "VBDT", "EMAIL", "HTTT", "HOP", "WEB"):
        assert f"<td>{code}</td>" in body


def test_admin_edits_expected_positions_and_adds_an_action(world, client_for):
    client = client_for("admin")
    software = Software.objects.get(code="HOP")
    response = client.post(reverse("analytics:admin-software-edit", args=[software.pk]), {
        "code": "hop", "name": "Họp trực tuyến", "description": "", "order": 7, "is_active": "on",
        "expected_positions": [world.positions["clerk"].pk]})
    assert response.status_code == 302
    software.refresh_from_db()
    assert software.code == "HOP"
    assert list(software.expected_positions.all()) == [world.positions["clerk"]]
    response = client.post(reverse("analytics:admin-action-new", args=[software.pk]),
                           {"code": "recording_watched", "name": "Xem lại bản ghi cuộc họp"})
    assert response.status_code == 302
    assert SoftwareAction.objects.filter(software=software, code="recording_watched").exists()
    again = client.post(reverse("analytics:admin-action-new", args=[software.pk]),
                        {"code": "RECORDING_WATCHED", "name": "x"})
    assert again.status_code == 200
    assert SoftwareAction.objects.filter(software=software).count() == 3


def test_mapping_needs_an_officer_column(world, client_for):
    software = Software.objects.get(code="WEB")
    response = client_for("admin").post(reverse("analytics:admin-mapping-edit", args=[software.pk]), {
        "email_header": "", "username_header": "", "action_header": "Thao tác", "occurred_at_header": "Lúc"})
    assert response.status_code == 200
    assert not ImportMapping.objects.filter(software=software).exists()


def test_import_journey_with_progress_preview_unmatched_and_apply(world, client_for):
    software = map_email()
    client = client_for("admin")
    response = client.post(reverse("analytics:admin-import-start"), {
        "software": software.pk, "file": SimpleUploadedFile("thu.csv", CSV.encode())})
    assert response.status_code == 302
    batch = UsageImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-progress"' in page and "<progress" in page
    check = client.post(reverse("analytics:admin-import-check", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert check.status_code == 204 and check["HX-Refresh"] == "true"
    page = client.get(reverse("analytics:admin-import-detail", args=[batch.pk])).content.decode()
    assert "khach@example.com" in page  # the unmatched row is listed
    assert 'name="skip_unmatched"' in page
    refused = client.post(reverse("analytics:admin-import-apply", args=[batch.pk]), {}, follow=True)
    assert not UsageEvent.objects.exists()
    assert "1 dòng không khớp với cán bộ nào: đánh dấu ô để bỏ qua các dòng đó, hoặc sửa tệp." in refused.content.decode()
    client.post(reverse("analytics:admin-import-apply", args=[batch.pk]), {"skip_unmatched": "on"})
    assert UsageEvent.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == UsageImport.Status.APPLIED


def _never_started(**kwargs) -> None:  # noqa: ANN003
    raise AssertionError("an upload over the limit reached the import")


def test_a_20_mb_upload_is_refused_with_a_message(world, client_for, settings, monkeypatch):
    software = map_email()
    monkeypatch.setattr(imports, "usage_import_start", _never_started)
    response = client_for("admin").post(reverse("analytics:admin-import-start"), {
        "software": software.pk, "file": SimpleUploadedFile("big.csv", b"a" * (20 * 1024 * 1024))})
    assert response.status_code == 200
    assert ("Tệp lớn hơn giới hạn 10 MB của một lần nhập. Hãy chia tệp thành nhiều tệp nhỏ hơn."
            in response.content.decode())
    assert not UsageImport.objects.exists()


def test_an_upload_over_the_usage_log_limit_is_dropped_while_it_streams(world, client_for, settings, monkeypatch):
    """The size is counted chunk by chunk as the file arrives (core.uploads.upload_limit): past the
    limit nothing is kept and the import is never started, whatever size the request declared."""
    from core.uploads import LimitedUploadHandler

    settings.THADS_IMPORT_LIMITS = {"usage_log": {"upload_bytes": 2 * 1024 * 1024}}
    software = map_email()
    monkeypatch.setattr(imports, "usage_import_start", _never_started)
    skipped_at: list[int] = []
    real_chunk = LimitedUploadHandler.receive_data_chunk

    def counting(handler, raw_data, start):  # noqa: ANN001, ANN202
        try:
            return real_chunk(handler, raw_data, start)
        except Exception:
            skipped_at.append(handler.received)
            raise

    monkeypatch.setattr(LimitedUploadHandler, "receive_data_chunk", counting)
    content = CSV.encode() * 40000  # about 7 MB
    response = client_for("admin").post(reverse("analytics:admin-import-start"), {
        "software": software.pk, "file": SimpleUploadedFile("lon.csv", content)})
    assert response.status_code == 200
    assert "Tệp lớn hơn giới hạn 2 MB của một lần nhập." in response.content.decode()
    assert not UsageImport.objects.exists()
    # Dropped at the first chunk past 2 MB, not after the whole file was received.
    assert len(skipped_at) == 1 and 2 * 1024 * 1024 < skipped_at[0] < 3 * 1024 * 1024


def test_a_file_with_500_bad_rows_keeps_200_errors_and_says_how_many_more(world, client_for):
    software = map_email()
    bad_rows = "".join(f"officer@moj.gov.vn,mail_sent,không phải ngày,b-{n}\n" for n in range(500))
    client = client_for("admin")
    response = client.post(reverse("analytics:admin-import-start"), {
        "software": software.pk, "file": SimpleUploadedFile("sai.csv", ("Email,Thao tác,Thời gian,Mã\n" + bad_rows).encode())})
    batch = UsageImport.objects.get()
    imports.usage_import_check(batch=batch, max_seconds=None)
    batch.refresh_from_db()
    assert batch.status == UsageImport.Status.INVALID
    assert batch.error_count == 500 and len(batch.errors) == 200
    assert [error["row"] for error in batch.errors] == list(range(2, 202))
    page = client.get(response["Location"]).content.decode()
    assert "…và 300 lỗi khác." in page


def test_an_importer_sees_only_their_own_imports(world, client_for):
    software = map_email()
    batch = imports.usage_import_start(software=software, upload=SimpleUploadedFile("a.csv", CSV.encode()),
                                       user=world.user("admin"))
    manager = client_for("unit_manager")
    assert manager.get(reverse("analytics:admin-import-detail", args=[batch.pk])).status_code == 404
    assert "a.csv" not in manager.get(reverse("analytics:admin-import-start")).content.decode()


def test_token_is_shown_once_and_can_be_revoked(world, client_for):
    client = client_for("admin")
    body = client.post(reverse("analytics:admin-xapi"), {"create_token": "1", "name": "Hệ thống họp"}).content.decode()
    token = XapiToken.objects.get()
    assert 'id="new-token"' in body and token.prefix in body
    assert 'id="new-token"' not in client.get(reverse("analytics:admin-xapi")).content.decode()
    client.post(reverse("analytics:admin-xapi-token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_score_settings_page_saves_and_recomputes(world, client_for):
    from analytics.models import FillState, OfficerDayCount

    OfficerDayCount.objects.create(officer=world.officers["officer"], day=date(2026, 3, 2), metric="steps_recorded",
                                   value=2)
    OfficerDayCount.objects.create(officer=world.officers["officer"], day=date(2026, 3, 2), metric="steps_on_time",
                                   value=1)
    FillState.objects.update_or_create(table="officer_day_count", defaults={"filled_through": date(2026, 3, 31)})
    response = client_for("admin").post(reverse("analytics:admin-score-settings"), {
        "effective_from": "2026-03-01", "weight_activity": "0", "weight_breadth": "0", "weight_timeliness": "1",
        "weight_training": "0", "weight_skills": "0", "stage_beginner_from": "1", "stage_regular_from": "40",
        "stage_proficient_from": "90"})
    assert response.status_code == 302
    assert ScoreSettings.objects.filter(effective_from=date(2026, 3, 1)).exists()
    assert AdoptionScore.objects.get(officer=world.officers["officer"], month=date(2026, 3, 1)).total == 50


def test_score_settings_page_refuses_decreasing_thresholds(world, client_for):
    before = ScoreSettings.objects.count()
    response = client_for("admin").post(reverse("analytics:admin-score-settings"), {
        "effective_from": "2026-03-01", "weight_activity": "30", "weight_breadth": "15", "weight_timeliness": "30",
        "weight_training": "15", "weight_skills": "10", "stage_beginner_from": "60", "stage_regular_from": "50",
        "stage_proficient_from": "80"})
    assert response.status_code == 200
    assert ScoreSettings.objects.count() == before


def test_score_formula_page_is_vietnamese_and_shows_the_weights(world, client_for):
    body = client_for("officer").get(reverse("analytics:score-formula")).content.decode()
    assert "Cách tính điểm" in body
    assert "Chấp hành viên" in body  # expected positions table
    assert "45.83" in body  # the worked example
    # Skills: quizzes and contest results.
    assert "(Số bài kiểm tra đạt + số lượt dự thi hội thi đoạt giải) ÷ (số bài kiểm tra" in body


def test_import_and_xapi_pages_keep_a_flat_query_budget(world, client_for, django_assert_max_num_queries):
    software = map_email()
    for index in range(15):
        imports.usage_import_start(software=software, upload=SimpleUploadedFile(f"{index}.csv", CSV.encode()),
                                   user=world.user("admin"))
    from analytics.services.xapi import xapi_token_create

    for index in range(5):
        xapi_token_create(name=f"Hệ thống {index}")
    client = client_for("admin")
    client.get(reverse("analytics:admin-import-start"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("analytics:admin-import-start")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("analytics:admin-xapi")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("analytics:score-formula")).status_code == 200
