"""Import (service and command) and GIFT export: counts by type, errors by line, strict mode, round trip."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from quizzes import services
from quizzes.bank import parsed_from_version
from quizzes.formats import parse_gift
from quizzes.models import Question, QuestionCategory
from quizzes.tests import factories

GIFT = """// [tag:IU03]
::Lưu tệp::Phím tắt nào lưu văn bản? {=Ctrl + S#Đúng ~Ctrl + P#Đó là in ~Ctrl + Z}

::Chữ ký số::Chữ ký số có giá trị pháp lý như chữ ký tay. {T#Đúng vậy#Sai: có giá trị}

::Viết tắt::CNTT là viết tắt của gì? {=Công nghệ thông tin =cong nghe thong tin}

::Số::Thời hạn tự nguyện thi hành án là bao nhiêu ngày? {#10:0}

::Ghép::Ghép mô-đun với nội dung. {
=IU03 -> Xử lý văn bản
=IU04 -> Sử dụng bảng tính
=IU05 -> Sử dụng trình chiếu
}

::Nhiều::Chọn các phần mềm văn phòng. {~%50%Word ~%50%Excel ~%-100%Paint}

::Luận::Nêu lợi ích của văn bản điện tử. {}

$CATEGORY: $course$/top/Mở rộng/An toàn

::Mô tả::Phần sau nói về an toàn thông tin.
"""

BROKEN = GIFT + "\n::Lỗi::Câu này thiếu ngoặc đóng {=A ~B\n"


def test_gift_import_counts_by_type_and_places_categories(db, tmp_path):  # noqa: ANN001
    root = factories.category("Ngân hàng")
    result = services.questions_import(text=GIFT, file_format="gift", category=root)
    assert result.errors == []
    assert dict(result.imported) == {"multichoice": 2, "truefalse": 1, "shortanswer": 1, "numerical": 1,
                                     "matching": 1, "essay": 1, "description": 1}
    assert Question.objects.count() == 8
    nested = QuestionCategory.objects.get(name="An toàn")
    assert nested.parent.name == "Mở rộng" and nested.parent.parent == root
    assert Question.objects.get(current_version__title="Mô tả").category == nested
    assert list(Question.objects.get(current_version__title="Lưu tệp").tags.values_list("name", flat=True)) == ["IU03"]


def test_strict_import_of_a_broken_file_imports_nothing_and_names_the_line(db):  # noqa: ANN001
    result = services.questions_import(text=BROKEN, file_format="gift", category=factories.category())
    assert not result.saved and Question.objects.count() == 0
    assert result.imported == {}
    assert len(result.errors) == 1
    line = BROKEN.splitlines().index("::Lỗi::Câu này thiếu ngoặc đóng {=A ~B") + 1
    assert result.errors[0]["line"] == line
    assert result.errors[0]["message"].startswith(f"Dòng {line}:")


def test_lenient_import_keeps_the_good_questions(db):  # noqa: ANN001
    result = services.questions_import(text=BROKEN, file_format="gift", category=factories.category(), strict=False)
    assert result.saved and Question.objects.count() == 8 and len(result.errors) == 1


def test_command_json_output_and_dry_run(db, tmp_path, capsys):  # noqa: ANN001
    path = tmp_path / "bank.gift"
    path.write_text(GIFT, encoding="utf-8")
    call_command("import_questions", str(path), "--format", "gift", "--category", "Demo", "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"imported": {"description": 1, "essay": 1, "matching": 1, "multichoice": 2, "numerical": 1,
                                "shortanswer": 1, "truefalse": 1}, "errors": []}
    assert Question.objects.count() == 0 and not QuestionCategory.objects.exists()
    call_command("import_questions", str(path), "--format", "gift", "--category", "Demo", "--json")
    assert json.loads(capsys.readouterr().out)["imported"]["multichoice"] == 2
    assert Question.objects.filter(category__name="Demo").count() == 7


def test_command_reports_errors_with_lines_and_fails(db, tmp_path, capsys):  # noqa: ANN001
    path = tmp_path / "broken.gift"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_questions", str(path), "--format", "gift", "--category", "Demo", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == {} and out["errors"][0]["line"] > 20
    assert Question.objects.count() == 0


def test_aiken_import(db, tmp_path, capsys):  # noqa: ANN001
    path = tmp_path / "bank.txt"
    path.write_text("Phím tắt nào để sao chép?\nA. Ctrl + C\nB. Ctrl + V\nANSWER: A\n\n"
                    "Phần mềm nào soạn văn bản?\nA) Word\nB) Paint\nANSWER: A\n", encoding="utf-8")
    call_command("import_questions", str(path), "--format", "aiken", "--category", "Aiken", "--json")
    assert json.loads(capsys.readouterr().out) == {"imported": {"multichoice": 2}, "errors": []}


def test_export_then_import_gives_the_same_questions(db):  # noqa: ANN001
    root = factories.category("Gốc")
    services.questions_import(text=GIFT, file_format="gift", category=root)
    questions = list(Question.objects.select_related("current_version", "category__parent").order_by("pk"))
    exported = services.questions_export_gift(questions=questions)
    again = parse_gift(exported)
    assert again.errors == []
    before = [parsed_from_version(q.current_version, tags=[t.name for t in q.tags.all()]) for q in questions]
    for item in before + again.questions:
        item.category = None
    assert again.questions == before
    # And importing the export stores the same data.
    other = factories.category("Bản sao")
    services.questions_import(text=exported, file_format="gift", category=other)
    copies = Question.objects.exclude(pk__in=[q.pk for q in questions]).order_by("pk")
    assert [(c.qtype, c.current_version.text, c.current_version.data) for c in copies] == [
        (q.qtype, q.current_version.text, q.current_version.data) for q in questions]


def test_edit_makes_a_new_version_and_keeps_answer_ids(db):  # noqa: ANN001
    question = factories.question("multichoice")
    first = question.current_version
    data = dict(first.data)
    data["answers"] = [dict(a) for a in data["answers"]]
    data["answers"][1]["fraction"] = "1"
    data["answers"][0]["fraction"] = "0"
    services.question_update(question=question, title="v2", text="t", data=data, text_format="moodle",
                             general_feedback="", default_mark=first.default_mark, category=question.category,
                             tags=["IU02"], by=None)
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert [a["id"] for a in question.current_version.data["answers"]] == [a["id"] for a in first.data["answers"]]
    first.refresh_from_db()
    assert first.data["answers"][0]["fraction"] == "1"  # the old version is untouched


def test_export_keeps_the_accent_option_of_a_short_answer_and_import_reads_it_back(db):  # noqa: ANN001
    data = {"accent_insensitive": True, "case_sensitive": False,
            "answers": [{"text": "Hà Nội", "fraction": "1", "feedback": ""}]}
    question = factories.question("shortanswer", data=data, title="Thủ đô")
    text = services.questions_export_gift(questions=[question])
    assert "// [option:accent_insensitive]" in text
    target = factories.category("Nhập lại")
    result = services.questions_import(text=text, file_format="gift", category=target)
    assert result.errors == []
    again = Question.objects.exclude(pk=question.pk).get()
    assert again.current_version.data["accent_insensitive"] is True
    assert again.current_version.data["case_sensitive"] is False


def test_gift_typed_with_combining_accents_lands_in_the_same_categories(db):  # noqa: ANN001
    import unicodedata

    root = factories.category("Ngân hàng")
    services.questions_import(text=GIFT, file_format="gift", category=root)
    decomposed = unicodedata.normalize("NFD", GIFT)
    assert decomposed != GIFT
    result = services.questions_import(text=decomposed, file_format="gift", category=root)
    assert result.errors == []
    assert QuestionCategory.objects.filter(name="An toàn").count() == 1
    assert Question.objects.filter(current_version__title="Lưu tệp").count() == 2
