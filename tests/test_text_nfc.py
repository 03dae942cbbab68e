"""Vietnamese typed with combining accents: found by search, and repaired in stored data by migrations."""

import unicodedata
from importlib import import_module

from django.apps import apps
from django.urls import reverse

from cases.models import CaseParty
from cases.tests.factories import make_case
from org.models import Officer
from quizzes.models import Question, QuestionCategory, Tag
from quizzes.tests import factories as quiz_factories

NAME = "Nguyễn Văn Hưởng"


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def test_exact_search_typed_with_combining_accents_finds_the_case(world, client_for):  # noqa: ANN001
    make_case(world, number="31/HUONG", parties=(("debtor", NAME, "Rạch Giá"),))
    body = client_for("officer").get(reverse("cases:case-list"), {"q": nfd(NAME.lower())}).content.decode()
    assert "31/HUONG" in body


def test_migrations_rewrite_stored_names_and_case_parties_in_nfc(world):  # noqa: ANN001
    case = make_case(world, number="32/HUONG", parties=(("debtor", NAME, "Hà Tiên"),))
    CaseParty.objects.filter(case=case).update(full_name=nfd(NAME), address=nfd("Hà Tiên"))
    officer = world.officers["officer"]
    Officer.objects.filter(pk=officer.pk).update(full_name=nfd(NAME))
    import_module("cases.migrations.0005_text_nfc").Migration.operations[0].code(apps, None)
    import_module("org.migrations.0003_text_nfc").Migration.operations[0].code(apps, None)
    party = CaseParty.objects.get(case=case)
    assert (party.full_name, party.address) == (NAME, "Hà Tiên")
    assert Officer.objects.get(pk=officer.pk).full_name == NAME


def test_quiz_migration_merges_a_category_tree_and_tags_typed_with_combining_accents(db):  # noqa: ANN001
    root = quiz_factories.category("Ngân hàng")
    kept = quiz_factories.category("An toàn thông tin", parent=root)
    twin = QuestionCategory.objects.create(name=nfd("An toàn thông tin"), parent=root)
    twin_child = QuestionCategory.objects.create(name=nfd("Mật khẩu"), parent=twin)
    quiz_factories.question("truefalse", cat=kept, tags=["Bảo mật"])
    moved = quiz_factories.question("truefalse", cat=twin, tags=[nfd("Bảo mật")])
    nested = quiz_factories.question("truefalse", cat=twin_child)
    version = moved.current_version
    type(version).objects.filter(pk=version.pk).update(text=nfd("Câu hỏi"), data={"feedback_true": nfd("Đúng")})

    import_module("quizzes.migrations.0004_text_nfc").repair(apps, None)

    assert list(QuestionCategory.objects.filter(parent=root).values_list("name", flat=True)) == ["An toàn thông tin"]
    assert Question.objects.get(pk=moved.pk).category == kept
    child = QuestionCategory.objects.get(pk=nested.category_id)
    assert (child.name, child.parent_id) == ("Mật khẩu", kept.pk)
    assert list(Tag.objects.filter(name__in=["Bảo mật", nfd("Bảo mật")]).values_list("name", flat=True)) == ["Bảo mật"]
    assert list(Question.objects.get(pk=moved.pk).tags.values_list("name", flat=True)) == ["Bảo mật"]
    version.refresh_from_db()
    assert version.text == "Câu hỏi" and version.data == {"feedback_true": "Đúng"}
