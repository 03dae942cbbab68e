"""Import of case steps exported from the national case software (.xlsx or .csv).

Two passes over the stored file, both streaming in chunks so memory stays flat as files grow:
`step_import_preview` checks every row and counts what would change; `step_import_apply` checks
again and writes, in one transaction — any error rolls everything back, nothing is half-imported.
Rows are matched by the step's id in the national software, so importing the same file twice
changes nothing; a row whose id is known but whose step or date differs becomes a correction
(a new version of the step).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.formats import steps as steps_format
from cases.models import CaseStep, EnforcementCase, ImportBatch, StepSource, StepType
from cases.services.steps import CaseFacts, RuleBook, advance_cases, case_deadlines_rebuild, step_lag
from core.calendar import WorkingCalendar, get_calendar
from core.formats.tabular import RowError, TableFileError, iter_table
from core.models import AuditEvent, User
from core.services import audit_record
from core.text import fold
from org.models import Officer
from org.selectors import scope_for

CHUNK_ROWS = 2000
STORED_ERRORS = 1000
SAMPLE_ROWS = 20


class StepImportError(Exception):
    """The import cannot be applied; the message is for the user (Vietnamese)."""


@dataclass
class _Outcome:
    total: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = STORED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(error.as_dict() for error in errors[:room])


class _Checker:
    """Checks rows chunk by chunk against the database, with a bounded amount of state."""

    def __init__(self, *, user: User, today: date):
        self.today = today
        self.scope = scope_for(user)
        self.step_types: dict[str, int] = {}
        for pk, code, name in StepType.objects.values_list("pk", "code", "name"):
            self.step_types[fold(code)] = pk
            self.step_types[fold(name)] = pk
            self.step_types[fold(code.replace("_", " "))] = pk
        self.within = dict(StepType.objects.values_list("pk", "on_time_within"))
        self.seen: dict[int, int] = {}  # hash of external id -> first row number (duplicates in the file)
        self._type_memo: dict[str, int | None] = {}

    def _in_scope(self, unit_path: str, unit_id: int) -> bool:
        if self.scope.everything:
            return True
        if self.scope.unit_path:
            return unit_path.startswith(self.scope.unit_path)
        return False

    def check(self, chunk: list[tuple[int, dict[str, str]]]) -> tuple[list[dict], list[RowError], dict[int, CaseFacts]]:
        rows, errors = [], []
        for number, values in chunk:
            raw_type = values.get("step_type", "")
            if raw_type not in self._type_memo:
                self._type_memo[raw_type] = self.step_types.get(steps_format.step_type_key(raw_type))
            known = {steps_format.step_type_key(raw_type): self._type_memo[raw_type]} \
                if self._type_memo[raw_type] is not None else {}
            row, row_errors = steps_format.clean_row(number, values, known, self.today)
            if row["external_id"]:
                key = hash(row["external_id"])
                if key in self.seen:
                    row_errors.append(RowError(number, steps_format.HEADER_OF["external_id"],
                                               f"Mã bước «{row['external_id']}» trùng với dòng {self.seen[key]}."))
                else:
                    self.seen[key] = number
            row["errors"] = row_errors
            rows.append(row)
        cases = self._cases(rows)
        officers = dict(Officer.objects.filter(email__in={row["officer_email"] for row in rows})
                        .values_list("email", "pk"))
        existing = {
            item["external_id"]: item for item in CaseStep.objects.current().filter(
                external_id__in=[row["external_id"] for row in rows if row["external_id"]]).values(
                "pk", "external_id", "case_id", "step_type_id", "legal_date", "recorded_date", "recorded_by_id",
                "version", "unit_id")
        }
        facts: dict[int, CaseFacts] = {}
        valid = []
        for row in rows:
            row_errors = row.pop("errors")
            number = row["row"]
            case = cases.get((row["unit_code"].lower(), fold(row["case_number"])))
            if row["unit_code"] and row["case_number"] and case is None:
                row_errors.append(RowError(number, steps_format.HEADER_OF["case_number"],
                                           f"Không có hồ sơ số «{row['case_number']}» ở đơn vị «{row['unit_code']}»."))
            elif case is not None and not self._in_scope(case["unit__path"], case["unit_id"]):
                row_errors.append(RowError(number, steps_format.HEADER_OF["case_number"],
                                           f"Hồ sơ «{row['case_number']}» không thuộc đơn vị bạn được nhập dữ liệu."))
            officer_id = officers.get(row["officer_email"])
            email_column = steps_format.HEADER_OF["officer_email"]
            if row["officer_email"] and officer_id is None and all(e.column != email_column for e in row_errors):
                row_errors.append(RowError(number, steps_format.HEADER_OF["officer_email"],
                                           f"Không có cán bộ nào có email «{row['officer_email']}»."))
            old = existing.get(row["external_id"])
            if old is not None and case is not None and old["case_id"] != case["pk"]:
                row_errors.append(RowError(number, steps_format.HEADER_OF["external_id"],
                                           f"Mã bước «{row['external_id']}» đã dùng cho một hồ sơ khác."))
            if row_errors:
                errors.extend(row_errors)
                continue
            row["case_id"], row["officer_id"], row["unit_id"] = case["pk"], officer_id, case["unit_id"]
            if old is None:
                row["action"] = "new"
            elif old["step_type_id"] == row["step_type_id"] and old["legal_date"] == row["legal_date"]:
                row["action"] = "unchanged"
            else:
                row["action"], row["old"] = "correct", old
            facts[case["pk"]] = CaseFacts(pk=case["pk"], kind=case["kind"], officer_id=case["officer_id"],
                                          unit_id=case["unit_id"], status=case["status"])
            valid.append(row)
        return valid, errors, facts

    def _cases(self, rows: list[dict]) -> dict[tuple[str, str], dict]:
        wanted = {(row["unit_code"].lower(), fold(row["case_number"])) for row in rows
                  if row["unit_code"] and row["case_number"]}
        if not wanted:
            return {}
        found = EnforcementCase.objects.filter(
            Q(unit__code__in={code for code, _ in wanted}) | Q(unit__code__in={code.upper() for code, _ in wanted}),
            search_number__in={number for _, number in wanted},
        ).values("pk", "unit_id", "unit__code", "unit__path", "search_number", "kind", "officer_id", "status")
        return {(item["unit__code"].lower(), item["search_number"]): item for item in found}


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _sample_row(row: dict) -> dict:
    return {"row": row["row"], "external_id": row["external_id"], "unit_code": row["unit_code"],
            "case_number": row["case_number"], "step_type": row["step_type"],
            "legal_date": row["legal_date"].isoformat(), "recorded_at": row["recorded_at"].isoformat(sep=" "),
            "officer_email": row["officer_email"], "action": row["action"]}


def _run(content: bytes, file_name: str, *, user: User, today: date,
         write: Callable[[list[dict], dict[int, CaseFacts]], None] | None = None) -> _Outcome:
    outcome = _Outcome()
    checker = _Checker(user=user, today=today)
    try:
        for chunk in _chunks(iter_table(content, file_name, steps_format.COLUMNS), CHUNK_ROWS):
            outcome.total += len(chunk)
            valid, errors, facts = checker.check(chunk)
            outcome.add_errors(errors)
            for row in valid:
                if row["action"] == "new":
                    outcome.new += 1
                elif row["action"] == "correct":
                    outcome.corrected += 1
                else:
                    outcome.unchanged += 1
                if len(outcome.sample) < SAMPLE_ROWS:
                    outcome.sample.append(_sample_row(row))
            if write is not None:
                if outcome.error_count:
                    raise StepImportError(errors[0].message if errors else "Tệp có lỗi.")
                write(valid, facts)
    except TableFileError as exc:
        outcome.add_errors([RowError(0, "", exc.message)])
    if outcome.total == 0 and not outcome.error_count:
        outcome.add_errors([RowError(0, "", "Tệp không có dòng dữ liệu nào.")])
    return outcome


def step_import_preview(*, uploaded_by: User, file_name: str, content: bytes,
                        today: date | None = None) -> ImportBatch:
    """Check a file of steps without changing any case; keep the file for a later apply.

    Returns an ImportBatch with the counts (new, corrections, unchanged), the first errors (row,
    column, Vietnamese message) and the total error count; status PREVIEW when there is no error,
    INVALID otherwise. Unknown cases and officers are errors, never dropped silently.
    """
    today = today or timezone.localdate()
    outcome = _run(content, file_name, user=uploaded_by, today=today)
    batch = ImportBatch(
        uploaded_by=uploaded_by, file_name=file_name[:255], file_sha256=hashlib.sha256(content).hexdigest(),
        status=ImportBatch.Status.INVALID if outcome.error_count else ImportBatch.Status.PREVIEW,
        total_rows=outcome.total, new_rows=outcome.new, corrected_rows=outcome.corrected,
        unchanged_rows=outcome.unchanged, error_count=outcome.error_count, errors=outcome.errors,
        sample=outcome.sample,
    )
    if not outcome.error_count:
        batch.file.save(f"steps-{batch.file_sha256[:16]}{_suffix(file_name)}", ContentFile(content), save=False)
    batch.save()
    return batch


def _suffix(file_name: str) -> str:
    lowered = file_name.lower()
    return ".xlsx" if lowered.endswith(".xlsx") else ".csv"


class _Writer:
    def __init__(self, batch: ImportBatch, calendar: WorkingCalendar):
        self.batch = batch
        self.calendar = calendar
        self.rules = RuleBook()
        self.types = StepType.objects.in_bulk()
        self.rebuild: set[int] = set()

    def __call__(self, rows: list[dict], facts: dict[int, CaseFacts]) -> None:
        new_steps, corrections = [], []
        for row in rows:
            if row["action"] == "unchanged":
                continue
            recorded_at = timezone.make_aware(row["recorded_at"]) if timezone.is_naive(row["recorded_at"]) \
                else row["recorded_at"]
            old = row.get("old")
            recorded_date = old["recorded_date"] if old else row["recorded_at"].date()
            lag, on_time = step_lag(legal_date=row["legal_date"], recorded_date=recorded_date,
                                    within=self.types[row["step_type_id"]].on_time_within, calendar=self.calendar)
            step = CaseStep(
                case_id=row["case_id"], step_type_id=row["step_type_id"], legal_date=row["legal_date"],
                recorded_at=recorded_at, recorded_date=recorded_date, recorded_by_id=row["officer_id"],
                unit_id=row["unit_id"], source=StepSource.IMPORT, external_id=row["external_id"], note=row["note"],
                lag_working_days=lag, on_time=on_time, import_batch=self.batch,
            )
            if old:
                step.supersedes_id, step.version = old["pk"], old["version"] + 1
                corrections.append(step)
                self.rebuild.add(row["case_id"])
            else:
                new_steps.append(step)
        if corrections:
            CaseStep.objects.filter(pk__in=[step.supersedes_id for step in corrections]).update(is_current=False)
            CaseStep.objects.bulk_create(corrections, batch_size=1000)
        if new_steps:
            CaseStep.objects.bulk_create(new_steps, batch_size=1000)
            advance_cases(cases=facts, new_steps=new_steps, rules=self.rules, calendar=self.calendar, types=self.types)


@transaction.atomic
def step_import_apply(*, batch: ImportBatch, by: User, today: date | None = None) -> ImportBatch:
    """Apply a previewed, error-free import: every row or none, in one transaction.

    Re-reads the stored file and checks it again (the cases may have changed since the preview);
    any error aborts and rolls back. New rows become steps (source "import") with their lag; known
    ids with a different step or date become corrections; identical rows are left alone.
    Raises StepImportError if the batch has errors, was applied already, or has become invalid.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise StepImportError("Bản nhập này không thể áp dụng (có lỗi hoặc đã áp dụng).")
    with batch.file.open("rb") as handle:
        content = handle.read()
    writer = _Writer(batch, get_calendar())
    try:
        with transaction.atomic():
            outcome = _run(content, batch.file_name, user=by, today=today or timezone.localdate(), write=writer)
            if outcome.error_count:
                raise StepImportError("Dữ liệu đã thay đổi kể từ khi kiểm tra; hãy tải tệp lên lại.")
            for case in EnforcementCase.objects.filter(pk__in=writer.rebuild):
                case_deadlines_rebuild(case=case, calendar=writer.calendar, rules=writer.rules)
    except StepImportError:
        raise StepImportError("Dữ liệu đã thay đổi kể từ khi kiểm tra; hãy tải tệp lên lại.") from None
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.new_rows, batch.corrected_rows, batch.unchanged_rows = outcome.new, outcome.corrected, outcome.unchanged
    batch.total_rows = outcome.total
    batch.save(update_fields=["status", "applied_at", "new_rows", "corrected_rows", "unchanged_rows", "total_rows"])
    audit_record(action=AuditEvent.Action.IMPORT, actor=by, target=batch.file_name,
                 detail={"kind": "case_steps", "sha256": batch.file_sha256, "new": outcome.new,
                         "corrected": outcome.corrected, "unchanged": outcome.unchanged})
    return batch
