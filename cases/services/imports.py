"""Import of case steps exported from the national case software (.xlsx or .csv).

The uploaded file is read once, streaming, by `step_import_preview`: every row is checked against
the database chunk by chunk, and the valid rows are written to a compact staging file (gzip'd JSON
lines: ids and dates only) kept with the batch. `step_import_apply` streams that staging file — it
never parses the spreadsheet again —, re-checks each chunk against the database (cases, officers
and steps may have changed since the preview) and writes, in one transaction: any error rolls
everything back, nothing is half-imported. Rows are matched by the step's id in the national
software, so importing the same file twice changes nothing; a row whose id is known but whose step
or date differs becomes a correction (a new version of the step).

Memory stays flat as files grow: one chunk of rows at a time, a fixed-size bitmap for duplicate
step ids (hits are confirmed by a second pass over the staging file, so the bitmap never causes a
false error), at most `limits.errors` errors kept (the rest counted).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import BinaryIO, NamedTuple

from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.formats import steps as steps_format
from cases.models import CLOSED_STATUSES, CaseStatus, CaseStep, EnforcementCase, ImportBatch, StepSource, StepType
from cases.services.bulk import any_of, insert_rows
from cases.services.steps import CaseFacts, RuleBook, advance_cases, case_deadlines_rebuild_many
from core.calendar import WorkingCalendar, get_calendar
from core.formats.limits import TableLimits, table_limits
from core.formats.tabular import RowError, TableFileError, iter_table, row_errors_keep
from core.memory import objects_frozen
from core.models import AuditEvent, User
from core.services import audit_record
from core.text import fold
from org.models import Officer, Unit
from org.selectors import scope_for

CHUNK_ROWS = 2000
STEP_IMPORT_LIMITS = "case_steps"  # THADS_IMPORT_LIMITS key: upload size, rows, columns, cells, errors kept
SAMPLE_ROWS = 20
SEEN_BITS = 1 << 24  # 2 MB bitmap of step-id hashes: a few false hits per million ids, all re-checked
CHANGED = gettext_lazy("The data has changed since the check; upload the file again.")


class StepImportError(Exception):
    """The import cannot be applied; the message is for the user (Vietnamese)."""


@dataclass
class _Outcome:
    stored_errors: int = 200
    total: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        self.errors = row_errors_keep(self.errors, errors, limit=self.stored_errors)

    def count(self, action: str, by: int = 1) -> None:
        if action == "new":
            self.new += by
        elif action == "correct":
            self.corrected += by
        else:
            self.unchanged += by


class _SeenIds:
    """Which step ids occurred earlier in the file, in constant memory: a bitmap of hashes. A hit is
    only a candidate duplicate; `confirm` finds the real ones from the staging file."""

    def __init__(self) -> None:
        self.bits = bytearray(SEEN_BITS // 8)
        self.candidates: set[int] = set()

    def add(self, external_id: str) -> None:
        key = hash(external_id)
        index = key & (SEEN_BITS - 1)
        byte, mask = index >> 3, 1 << (index & 7)
        if self.bits[byte] & mask:
            self.candidates.add(key)
        else:
            self.bits[byte] |= mask

    def may_repeat(self, external_id: str) -> bool:
        """Whether this id may occur on an earlier row (a candidate `confirm` decides on)."""
        return hash(external_id) in self.candidates

    def confirm(self, ids: Iterator[tuple[int, str]]) -> list[RowError]:
        """Errors for every row whose id occurred on an earlier row (ids: (row, step id) of each record
        of the staging file, `_read_ids`)."""
        if not self.candidates:
            return []
        first: dict[str, int] = {}
        errors = []
        for number, external_id in ids:
            if hash(external_id) not in self.candidates:
                continue
            if external_id in first:
                errors.append(RowError(number, steps_format.HEADER_OF["external_id"],
                                       _("Step id «%(id)s» repeats row %(row)s.") % {"id": external_id, "row": first[external_id]}))
            else:
                first[external_id] = number
        return errors


class _CaseRow(NamedTuple):
    """A case as the preview checks a row against it."""

    pk: int
    unit_id: int
    unit_code: str
    unit_path: str
    search_number: str
    status: str


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
        self.codes = dict(StepType.objects.values_list("pk", "code"))
        self.seen = _SeenIds()
        self._type_memo: dict[str, dict[str, int]] = {}  # raw step name → {folded key: id} or {}

    def check(self, chunk: list[tuple[int, dict[str, str]]]) -> tuple[list[dict], list[RowError], list[list]]:
        """Check one chunk of rows: (valid rows, errors, staging records of the rows with errors)."""
        rows, errors, rejected = [], [], []
        memo = self._type_memo
        for number, values in chunk:
            raw_type = values.get("step_type", "")
            known = memo.get(raw_type)
            if known is None:
                key = steps_format.step_type_key(raw_type)
                type_id = self.step_types.get(key)
                known = memo[raw_type] = {key: type_id} if type_id is not None else {}
            row, row_errors = steps_format.clean_row(number, values, known, self.today)
            if row["external_id"]:
                self.seen.add(row["external_id"])
            row["errors"] = row_errors
            # The case is looked up by (unit code, folded number): folded once per row.
            row["case_key"] = (row["unit_code"].lower(), fold(row["case_number"])) \
                if row["unit_code"] and row["case_number"] else None
            rows.append(row)
        cases = self._cases(rows)
        officers = dict(Officer.objects.filter(any_of("email", {row["officer_email"] for row in rows}))
                        .values_list("email", "pk"))
        existing = {
            item["external_id"]: item for item in CaseStep.objects.current().filter(
                any_of("external_id", [row["external_id"] for row in rows if row["external_id"]])).values(
                "pk", "external_id", "case_id", "step_type_id", "legal_date", "recorded_date", "recorded_by_id",
                "version", "unit_id")
        }
        valid = []
        for row in rows:
            row_errors = row.pop("errors")
            number = row["row"]
            case_key = row.pop("case_key")
            case = cases.get(case_key) if case_key is not None else None
            if row["unit_code"] and row["case_number"] and case is None:
                row_errors.append(RowError(number, steps_format.HEADER_OF["case_number"],
                                           _("No case numbered «%(number)s» in unit «%(unit)s».")
                                           % {"number": row["case_number"], "unit": row["unit_code"]}))
            elif case is not None and not self.scope.covers_unit_path(case.unit_path):
                row_errors.append(RowError(number, steps_format.HEADER_OF["case_number"],
                                           _("Case «%(number)s» is not in a unit you may import for.")
                                           % {"number": row["case_number"]}))
            officer_id = officers.get(row["officer_email"])
            email_column = steps_format.HEADER_OF["officer_email"]
            if row["officer_email"] and officer_id is None and all(e.column != email_column for e in row_errors):
                row_errors.append(RowError(number, steps_format.HEADER_OF["officer_email"],
                                           _("No officer has the e-mail «%(email)s».")
                                           % {"email": row["officer_email"]}))
            old = existing.get(row["external_id"])
            if old is not None and case is not None and old["case_id"] != case.pk:
                row_errors.append(RowError(number, steps_format.HEADER_OF["external_id"],
                                           _("Step id «%(id)s» is already used for another case.")
                                           % {"id": row["external_id"]}))
            if row_errors:
                errors.extend(row_errors)
                if row["external_id"]:
                    rejected.append([number, row["external_id"]])
                continue
            row["case_id"], row["officer_id"], row["unit_id"] = case.pk, officer_id, case.unit_id
            row["action"], row["old"] = _action(row, old)
            if row["action"] != "unchanged" and _writes_into_closed(case.status, self.codes.get(row["step_type_id"])):
                errors.append(RowError(number, steps_format.HEADER_OF["case_number"], _(
                    "Case «%(number)s» is closed (%(status)s); no more steps can be imported into it.") % {
                    "number": row["case_number"], "status": str(CaseStatus(case.status).label).lower()}))
                if row["external_id"]:
                    rejected.append([number, row["external_id"]])
                continue
            valid.append(row)
        return valid, errors, rejected

    def _cases(self, rows: list[dict]) -> dict[tuple[str, str], _CaseRow]:
        wanted = {row["case_key"] for row in rows if row["case_key"] is not None}
        if not wanted:
            return {}
        codes = {code for code, _ in wanted}
        unit_ids = list(Unit.objects.filter(Q(code__in=codes) | Q(code__in={code.upper() for code in codes}))
                        .values_list("pk", flat=True))
        # The cases are found through the case-number index: "unit_id + 0" keeps SQLite (which has no
        # statistics) from walking every case of the chunk's units through the unit index instead.
        found = EnforcementCase.objects.alias(unit_key=F("unit_id") + 0).filter(
            any_of("unit_key", unit_ids), any_of("search_number", {number for _, number in wanted}),
        ).values_list("pk", "unit_id", "unit__code", "unit__path", "search_number", "status")
        return {(item[2].lower(), item[4]): _CaseRow._make(item) for item in found}



def _writes_into_closed(status: str, step_code: str | None) -> bool:
    """A step may not be added to, or corrected in, a closed case — as when recording by hand, where
    only the archiving step is accepted."""
    return status in CLOSED_STATUSES and step_code != "archive"


def _action(row: dict, old: dict | None) -> tuple[str, dict | None]:
    if old is None:
        return "new", None
    if old["step_type_id"] == row["step_type_id"] and old["legal_date"] == row["legal_date"]:
        return "unchanged", None
    return "correct", old


def _existing(external_ids: list[str]) -> dict[str, dict]:
    fields = ("pk", "external_id", "case_id", "step_type_id", "legal_date", "recorded_date", "version")
    return {
        values[1]: dict(zip(fields, values, strict=True)) for values in
        CaseStep.objects.current().filter(any_of("external_id", external_ids)).values_list(*fields)
    }


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _sample_row(row: dict) -> dict:
    return {"row": row["row"], "external_id": row["external_id"], "unit_code": row["unit_code"],
            "case_number": row["case_number"], "step_type": row["step_type"],
            "legal_date": row["legal_date"].isoformat(), "recorded_at": row["recorded_at"].isoformat(sep=" "),
            "officer_email": row["officer_email"], "action": row["action"]}


# A staging record: [row, step id, case, step type, date of the act, recorded at, officer, note] for a
# valid row; [row, step id] for a row with errors (kept only to find duplicate ids).
def _staging_record(row: dict) -> list:
    return [row["row"], row["external_id"], row["case_id"], row["step_type_id"], row["legal_date"].isoformat(),
            row["recorded_at"].isoformat(), row["officer_id"], row["note"]]


def _write_records(handle, records: list[list]) -> None:  # noqa: ANN001
    handle.write("".join(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records))


def _read_records(handle: BinaryIO) -> Iterator[list]:
    with gzip.open(handle, "rt", encoding="utf-8") as text:
        for line in text:
            yield json.loads(line)


def _read_ids(handle: BinaryIO) -> Iterator[tuple[int, str]]:
    """(row, step id) of each record of the staging file, without decoding the rest of its line: a
    record starts `[row,"id"`, and an id JSON wrote without any backslash escape (nearly all) is the
    text between the line's first two quotes; any other line is decoded whole."""
    with gzip.open(handle, "rt", encoding="utf-8") as text:
        for line in text:
            start = line.find('"')
            end = line.find('"', start + 1) if start > 0 else -1
            if end > 0 and "\\" not in line[start:end]:
                yield int(line[1:start - 1]), line[start + 1:end]
            else:
                record = json.loads(line)
                yield record[0], record[1]


def _sha256(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    source.seek(0)
    while block := source.read(1 << 20):
        digest.update(block)
    source.seek(0)
    return digest.hexdigest()


@objects_frozen()
def step_import_preview(*, by: User, file_name: str, content: bytes | None = None,
                        file: BinaryIO | None = None, today: date | None = None,
                        limits: TableLimits | None = None) -> ImportBatch:
    """Check a file of steps (`content` bytes, or a seekable binary `file` streamed from disk) without
    changing any case.

    Returns an ImportBatch with the counts (new, corrections, unchanged), the first errors (row,
    column, Vietnamese message) sorted by row, and the total error count; status PREVIEW when there
    is no error, INVALID otherwise. Unknown cases and officers, repeated step ids and new or changed
    steps of closed cases are errors, never dropped silently; the counts cover error-free rows only.
    `limits` (default: the "case_steps" import limits from settings) bound the file's size, rows,
    columns and cell area — a file beyond them is refused before its rows are read — and the number
    of errors kept (the rest are counted in `error_count`). A valid batch keeps the uploaded file and the staging file of its
    checked rows, which `step_import_apply` reads.
    """
    if (content is None) == (file is None):
        raise TypeError("pass exactly one of content and file")
    source: BinaryIO = io.BytesIO(content) if content is not None else file
    today = today or timezone.localdate()
    limits = limits or table_limits(STEP_IMPORT_LIMITS)
    outcome = _Outcome(stored_errors=limits.errors)
    checker = _Checker(user=by, today=today)
    # The action counted for each row whose id may repeat an earlier one: a confirmed repeat is an
    # error, and its row must not stay counted as new, corrected or unchanged.
    maybe_repeated: dict[int, str] = {}
    handle, staging_path = tempfile.mkstemp(prefix="steps-", suffix=".jsonl.gz")
    os.close(handle)
    try:
        with gzip.open(staging_path, "wt", encoding="utf-8", compresslevel=1) as staging:
            try:
                for chunk in _chunks(iter_table(source, file_name, steps_format.COLUMNS, limits=limits), CHUNK_ROWS):
                    outcome.total += len(chunk)
                    valid, errors, rejected = checker.check(chunk)
                    outcome.add_errors(errors)
                    for row in valid:
                        outcome.count(row["action"])
                        if checker.seen.may_repeat(row["external_id"]):
                            maybe_repeated[row["row"]] = row["action"]
                        if len(outcome.sample) < SAMPLE_ROWS:
                            outcome.sample.append(_sample_row(row))
                    _write_records(staging, [_staging_record(row) for row in valid] + rejected)
            except TableFileError as exc:
                outcome.add_errors([exc.as_row_error()])
        if checker.seen.candidates:
            with open(staging_path, "rb") as staged:
                repeats = checker.seen.confirm(_read_ids(staged))
            outcome.add_errors(repeats)
            for error in repeats:
                if error.row in maybe_repeated:
                    outcome.count(maybe_repeated.pop(error.row), by=-1)
        if outcome.total == 0 and not outcome.error_count:
            outcome.add_errors([RowError(0, "", _("The file has no data rows."))])
        outcome.errors.sort(key=lambda error: error["row"])
        batch = ImportBatch(
            uploaded_by=by, file_name=file_name[:255], file_sha256=_sha256(source),
            status=ImportBatch.Status.INVALID if outcome.error_count else ImportBatch.Status.PREVIEW,
            total_rows=outcome.total, new_rows=outcome.new, corrected_rows=outcome.corrected,
            unchanged_rows=outcome.unchanged, error_count=outcome.error_count, errors=outcome.errors,
            sample=outcome.sample,
        )
        if not outcome.error_count:
            stem = f"steps-{batch.file_sha256[:16]}"
            batch.file.save(stem + _suffix(file_name), File(source), save=False)
            with open(staging_path, "rb") as staged:
                batch.staged.save(stem + ".jsonl.gz", File(staged), save=False)
        batch.save()
    finally:
        os.unlink(staging_path)
    return batch


def _suffix(file_name: str) -> str:
    lowered = file_name.lower()
    return ".xlsx" if lowered.endswith(".xlsx") else ".csv"


class _Applier:
    """Re-checks staged rows chunk by chunk against the database and writes them."""

    def __init__(self, batch: ImportBatch, *, user: User, calendar: WorkingCalendar):
        self.batch = batch
        self.calendar = calendar
        self.scope = scope_for(user)
        self.rules = RuleBook()
        self.types = StepType.objects.in_bulk()
        self.within = {pk: step_type.on_time_within for pk, step_type in self.types.items()}
        self.tz = timezone.get_current_timezone()
        self.rebuild: set[int] = set()
        self.outcome = _Outcome()
        self.lags: dict[tuple[date, date], int] = {}  # (act, recording) → lag: few distinct pairs per file
        # Each case's status before this import, as the preview judged it: an earlier chunk may have
        # closed the case with a step of the same file.
        self.status_before: dict[int, str] = {}

    def apply(self, records: list[list]) -> None:
        if any(len(record) != 8 for record in records):
            raise StepImportError(CHANGED)
        cases = {pk: (unit_id, path, kind, officer_id, status) for pk, unit_id, path, kind, officer_id, status in
                 EnforcementCase.objects.filter(any_of("pk", {record[2] for record in records})).values_list(
                     "pk", "unit_id", "unit__path", "kind", "officer_id", "status")}
        status_before = self.status_before
        for pk, (*_case, status) in cases.items():
            status_before.setdefault(pk, status)
        officer_ids = {record[6] for record in records}
        if len(set(Officer.objects.filter(any_of("pk", officer_ids)).values_list("pk", flat=True))) != len(officer_ids):
            raise StepImportError(CHANGED)
        existing = _existing([record[1] for record in records])
        facts: dict[int, CaseFacts] = {}
        new_steps, corrections = [], []
        in_scope: dict[str, bool] = {}
        lag_of, lags, within, types = self.calendar.working_days_between, self.lags, self.within, self.types
        tz, batch_id, source = self.tz, self.batch.pk, StepSource.IMPORT.value
        for number, external_id, case_id, type_id, legal, recorded, officer_id, note in records:
            case = cases.get(case_id)
            if case is None or type_id not in types:
                raise StepImportError(CHANGED)
            unit_id, path, kind, case_officer_id, status = case
            allowed = in_scope.get(path)
            if allowed is None:
                allowed = in_scope[path] = self.scope.covers_unit_path(path)
            if not allowed:
                raise StepImportError(CHANGED)
            legal_date = date.fromisoformat(legal)
            old = existing.get(external_id)
            if old is not None:
                if old["case_id"] != case_id:
                    raise StepImportError(CHANGED)
                if old["step_type_id"] == type_id and old["legal_date"] == legal_date:
                    self.outcome.unchanged += 1
                    continue
            if _writes_into_closed(status_before[case_id], types[type_id].code):  # closed after the preview
                raise StepImportError(CHANGED)
            recorded_at = datetime.fromisoformat(recorded)
            aware = recorded_at.replace(tzinfo=tz) if recorded_at.tzinfo is None else recorded_at
            recorded_date = old["recorded_date"] if old else recorded_at.date()
            # step_lag, inlined: the trigger day is not counted, and a lag is never negative.
            lag = lags.get((legal_date, recorded_date))
            if lag is None:
                lag = lags[legal_date, recorded_date] = max(0, lag_of(legal_date, recorded_date))
            on_time = lag <= within[type_id]
            if old:
                self.outcome.corrected += 1
                corrections.append(CaseStep(
                    case_id=case_id, step_type_id=type_id, legal_date=legal_date, recorded_at=aware,
                    recorded_date=recorded_date, recorded_by_id=officer_id, unit_id=unit_id,
                    source=StepSource.IMPORT, external_id=external_id, note=note, lag_working_days=lag,
                    on_time=on_time, import_batch=self.batch, supersedes_id=old["pk"], version=old["version"] + 1))
                self.rebuild.add(case_id)
            else:
                self.outcome.new += 1
                new_steps.append(_NewStep(case_id, type_id, legal_date, (
                    case_id, type_id, legal_date, aware, recorded_date, officer_id, unit_id, source, external_id,
                    note, lag, on_time, True, 1, batch_id)))
                if case_id not in facts:
                    facts[case_id] = CaseFacts(pk=case_id, kind=kind, officer_id=case_officer_id, unit_id=unit_id,
                                               status=status)
        if corrections:
            CaseStep.objects.filter(pk__in=[step.supersedes_id for step in corrections]).update(is_current=False)
            CaseStep.objects.bulk_create(corrections, batch_size=1000)
        if new_steps:
            ids = insert_rows(CaseStep, STEP_FIELDS, [step.values for step in new_steps], returning=True)
            for step, pk in zip(new_steps, ids, strict=True):
                step.pk = pk
            advance_cases(cases=facts, new_steps=new_steps, rules=self.rules, calendar=self.calendar, types=types)


STEP_FIELDS = ("case_id", "step_type_id", "legal_date", "recorded_at", "recorded_date", "recorded_by_id", "unit_id",
               "source", "external_id", "note", "lag_working_days", "on_time", "is_current", "version",
               "import_batch_id")


class _NewStep:
    """A step written by `insert_rows`: what `advance_cases` reads of it, and its column values."""

    __slots__ = ("case_id", "step_type_id", "legal_date", "pk", "values")

    def __init__(self, case_id: int, step_type_id: int, legal_date: date, values: tuple):
        self.case_id, self.step_type_id, self.legal_date, self.values = case_id, step_type_id, legal_date, values
        self.pk: int | None = None


@objects_frozen()
@transaction.atomic
def step_import_apply(*, batch: ImportBatch, by: User, today: date | None = None) -> ImportBatch:
    """Apply a previewed, error-free import: every row or none, in one transaction.

    Streams the staging file written by the preview (the spreadsheet is not parsed again) and
    re-checks each chunk against the database (cases still in the user's scope, officers still
    there, step ids not taken by another case); any problem aborts and rolls back. New rows become
    steps (source "import") with their lag; known ids with a different step or date become
    corrections (the deadlines of their cases are rebuilt); identical rows are left alone.
    Raises StepImportError if the batch has errors, was applied already, or has become invalid.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise StepImportError(_("This import cannot be applied (it has errors or was applied already)."))
    if not batch.staged:
        raise StepImportError(CHANGED)
    applier = _Applier(batch, user=by, calendar=get_calendar())
    with batch.staged.open("rb") as handle:
        for records in _chunks(_read_records(handle), CHUNK_ROWS):
            applier.apply(records)
    case_deadlines_rebuild_many(case_ids=applier.rebuild, calendar=applier.calendar, rules=applier.rules)
    outcome = applier.outcome
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.new_rows, batch.corrected_rows, batch.unchanged_rows = outcome.new, outcome.corrected, outcome.unchanged
    batch.save(update_fields=["status", "applied_at", "new_rows", "corrected_rows", "unchanged_rows"])
    audit_record(action=AuditEvent.Action.IMPORT, actor=by, target=batch.file_name,
                 detail={"kind": "case_steps", "sha256": batch.file_sha256, "new": outcome.new,
                         "corrected": outcome.corrected, "unchanged": outcome.unchanged})
    return batch
