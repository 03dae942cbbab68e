"""Bank texts typed with combining accents before entry was normalised are rewritten in NFC.

A category or tag whose NFC name already exists beside it (a GIFT file in combining form made a
second, identical-looking tree) is merged into the existing one: its questions, sub-categories,
random slots and imports move there, then it is deleted.
"""

from django.db import migrations

from core.text import nfc, nfc_repair

FIELDS = {
    "QuestionCategory": ["description"],
    "QuestionVersion": ["title", "text", "general_feedback", "data"],
    "Quiz": ["title", "description"],
    "AttemptAnswer": ["response", "grader_comment"],
}


def _rename_or_merge(rows, move):  # noqa: ANN001, ANN202
    """Give each row of ``rows`` (siblings) its NFC name; a row whose NFC name another row already has
    is merged into that one (``move(row, keep)`` repoints what refers to it) and deleted."""
    by_name = {row.name: row for row in rows if row.name == nfc(row.name)}
    for row in rows:
        fixed = nfc(row.name)
        if fixed == row.name:
            continue
        keep = by_name.get(fixed)
        if keep is None:
            row.name = fixed
            row.save(update_fields=["name"])
            by_name[fixed] = row
        else:
            move(row, keep)
            row.delete()


def _merge_categories(apps, parent_id):  # noqa: ANN001, ANN202
    category_model = apps.get_model("quizzes", "QuestionCategory")

    def move(child, keep):  # noqa: ANN001, ANN202
        apps.get_model("quizzes", "Question").objects.filter(category_id=child.pk).update(category_id=keep.pk)
        apps.get_model("quizzes", "QuizSlot").objects.filter(random_category_id=child.pk).update(
            random_category_id=keep.pk)
        apps.get_model("quizzes", "QuestionImport").objects.filter(category_id=child.pk).update(category_id=keep.pk)
        category_model.objects.filter(parent_id=child.pk).update(parent_id=keep.pk)

    _rename_or_merge(list(category_model.objects.filter(parent_id=parent_id).order_by("pk")), move)
    for child in category_model.objects.filter(parent_id=parent_id):
        _merge_categories(apps, child.pk)


def _merge_tags(apps):  # noqa: ANN001, ANN202
    def move(tag, keep):  # noqa: ANN001, ANN202
        for question in tag.questions.all():
            question.tags.add(keep)

    _rename_or_merge(list(apps.get_model("quizzes", "Tag").objects.order_by("pk")), move)


def repair(apps, schema_editor):  # noqa: ANN001
    _merge_categories(apps, None)
    _merge_tags(apps)
    for model, fields in FIELDS.items():
        nfc_repair(apps.get_model("quizzes", model), fields)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0003_review_options_by_item")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
