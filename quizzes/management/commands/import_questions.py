"""Import a GIFT or Aiken file into a question category."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from quizzes.models import QuestionCategory
from quizzes.services import QuizError, category_get_or_create_path, questions_import


class Command(BaseCommand):
    help = ("Import questions: import_questions FILE --format gift|aiken --category NAME [--dry-run] [--json]. "
            "Any error imports nothing unless --lenient is given.")

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("file")
        parser.add_argument("--format", dest="file_format", choices=["gift", "aiken"], required=True)
        parser.add_argument("--category", required=True, help="Category name; 'A/B' for a sub-category.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, save nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--lenient", action="store_true", help="Import the readable questions despite errors.")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read the file %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}) from exc
        names = [part for part in options["category"].split("/") if part.strip()]
        if not names:
            raise CommandError(_("The category name is empty."))
        if options["dry_run"]:
            category = QuestionCategory(name=names[-1])
        else:
            category = category_get_or_create_path(path=names)
        try:
            result = questions_import(text=content, file_format=options["file_format"], category=category,
                                      strict=not options["lenient"], dry_run=options["dry_run"])
        except QuizError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for error in result.errors:
                self.stderr.write(error["message"])
            counts = ", ".join(f"{qtype}: {n}" for qtype, n in sorted(result.imported.items())) or "0"
            verb = _("would import") if options["dry_run"] else (_("imported") if result.saved else _("not imported"))
            self.stdout.write(f"{verb} — {counts}")
        if result.errors and not options["lenient"]:
            raise CommandError(_("%(n)s errors; no question was imported.") % {"n": len(result.errors)})
