"""Import of usage logs exported by the agency's systems (.xlsx or .csv, UTF-8 or Windows-1258).

1. `usage_import_start` keeps the uploaded file and opens a batch (refused: no column mapping saved
   for the software, a file over THADS_USAGE_IMPORT_MAX_BYTES, not .xlsx/.csv).
2. `usage_import_check` reads the file in steps of about a second each (the page polls it and shows
   a progress bar): each row is checked (action of the software, date, not in the future, officer by
   official e-mail or user name, officer within the importer's scope, event id not repeated) and the
   valid rows are staged in `UsageImportRow`. Rows whose officer is not found are listed, not errors.
3. `usage_import_apply` writes every staged row in one `INSERT … SELECT` (events already imported
   are skipped by their unique id: re-importing a file changes nothing), marks the days touched for a
   refill of the count tables, all in one transaction. A batch with errors cannot be applied.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.formats.usage_log import Headers, LogRow, action_key, check_row
from analytics.models import (
    EventSource, ImportMapping, Software, SoftwareAction, UsageEvent, UsageImport, UsageImportRow,
)
from analytics.services.fill import refill_days_mark
from core.formats.limits import TableLimits, table_limits
from core.formats.tabular import RowError, TableFileError, iter_table, row_errors_keep
from core.memory import objects_frozen
from org.models import Officer
from org.selectors import scope_for

USAGE_LOG_LIMITS = "usage_log"  # THADS_IMPORT_LIMITS key: upload size (streamed), rows, cells, errors kept
STORED_UNMATCHED = 200
CHUNK_ROWS = 1000
STEP_SECONDS = 1.0


class UsageImportError(Exception):
    """The import cannot start or be applied; the message is for the user (Vietnamese)."""


def import_mapping_save(*, software: Software, email_header: str, username_header: str, action_header: str,
                        occurred_at_header: str, event_id_header: str = "", user=None) -> ImportMapping:  # noqa: ANN001
    """Save the column mapping of a software's log (one per software). At least one of the e-mail and
    user-name columns is required. Raises UsageImportError."""
    values = {name: " ".join(value.split()) for name, value in {
        "email_header": email_header, "username_header": username_header, "action_header": action_header,
        "occurred_at_header": occurred_at_header, "event_id_header": event_id_header}.items()}
    if not values["email_header"] and not values["username_header"]:
        raise UsageImportError(_("Name the column of the official e-mail, of the user name, or both."))
    if not values["action_header"] or not values["occurred_at_header"]:
        raise UsageImportError(_("Name the columns of the action and of the time."))
    mapping, _created = ImportMapping.objects.update_or_create(software=software,
                                                               defaults={**values, "updated_by": user})
    return mapping


def _headers(mapping: ImportMapping) -> Headers:
    return Headers(email=mapping.email_header, username=mapping.username_header, action=mapping.action_header,
                   occurred_at=mapping.occurred_at_header, event_id=mapping.event_id_header)


def _estimate_rows(upload: UploadedFile, name: str) -> int:
    upload.seek(0)
    if name.endswith(".csv"):
        count = sum(chunk.count(b"\n") for chunk in upload.chunks())
    else:
        # An .xlsx file holds about 40 bytes per cell once zipped; a rough figure is enough for a bar.
        count = max(1, upload.size // 120)
    upload.seek(0)
    return max(1, count)


@transaction.atomic
def usage_import_start(*, software: Software, upload: UploadedFile, user) -> UsageImport:  # noqa: ANN001
    """Keep the file and open a batch to be checked. Raises UsageImportError (file too large, wrong
    type, empty, no column mapping for the software)."""
    name = upload.name or ""
    limit = table_limits(USAGE_LOG_LIMITS).upload_bytes
    if upload.size > limit:
        raise UsageImportError(_("The file is %(size).1f MB; the largest accepted is %(limit).1f MB. Split it "
                                 "into several files by month.") % {"size": upload.size / 1048576,
                                                                   "limit": limit / 1048576})
    if not name.lower().endswith((".xlsx", ".csv")):
        raise UsageImportError(_("Only Excel (.xlsx) or CSV (.csv) files are accepted."))
    if upload.size == 0:
        raise UsageImportError(_("The file is empty."))
    if not hasattr(software, "import_mapping"):
        raise UsageImportError(_("Save the column mapping of %(software)s first.") % {"software": software.code})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    batch = UsageImport(software=software, uploaded_by=user, file_name=name[:255], file_size=upload.size,
                        file_sha256=digest.hexdigest(), estimated_rows=_estimate_rows(upload, name.lower()))
    upload.seek(0)
    batch.file.save(name, upload, save=False)
    batch.save()
    return batch


@dataclass
class _Context:
    headers: Headers
    actions: dict[str, int]
    scope_path: str | None
    everything: bool
    zone: object
    now: datetime
    limits: TableLimits


def _context(batch: UsageImport) -> _Context:
    actions: dict[str, int] = {}
    for pk, code, name in SoftwareAction.objects.filter(software=batch.software).values_list("pk", "code", "name"):
        actions[action_key(code)] = pk
        actions[action_key(name)] = pk
    scope = scope_for(batch.uploaded_by)
    return _Context(headers=_headers(batch.software.import_mapping), actions=actions, scope_path=scope.unit_path,
                    everything=scope.everything, zone=timezone.get_current_timezone(), now=timezone.now(),
                    limits=table_limits(USAGE_LOG_LIMITS))


def _add_errors(batch: UsageImport, errors: list[RowError], *, limits: TableLimits) -> None:
    batch.error_count += len(errors)
    batch.errors = row_errors_keep(batch.errors, errors, limit=limits.errors)


def _officers(rows: list[LogRow]) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    emails = {row.email for row in rows if row.email}
    names = {row.username.lower() for row in rows if row.username}
    found = (Officer.objects.filter(is_active=True)
             .annotate(email_lower=Lower("email"), username_lower=Lower("user__username"))
             .filter(Q(email_lower__in=emails) | Q(username_lower__in=names) | Q(email_lower__in=names))
             .values_list("pk", "email_lower", "username_lower", "unit__path"))
    by_email, by_name = {}, {}
    for pk, email, username, path in found:
        by_email[email] = (pk, path)
        by_name[username] = (pk, path)
        by_name.setdefault(email, (pk, path))
    return by_email, by_name


def _check_chunk(batch: UsageImport, context: _Context, chunk: list[tuple[int, dict[str, str]]]) -> None:
    rows, errors = [], []
    for number, values in chunk:
        row, row_errors = check_row(number, values, headers=context.headers, actions=context.actions,
                                    software_code=batch.software.code, now=context.now, zone=context.zone)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    by_email, by_name = _officers(rows)
    staged_ids = set(UsageImportRow.objects.filter(batch=batch, external_id__in=[row.external_id for row in rows])
                     .values_list("external_id", flat=True))
    first_row = dict(UsageImportRow.objects.filter(batch=batch, external_id__in=staged_ids)
                     .values_list("external_id", "row"))
    staged, days = [], set(batch.days)
    for row in rows:
        found = by_email.get(row.email) if row.email else None
        if found is None and row.username:
            found = by_name.get(row.username.lower())
        if found is None:
            batch.unmatched_count += 1
            if len(batch.unmatched) < STORED_UNMATCHED:
                batch.unmatched = batch.unmatched + [{"row": row.row, "who": row.email or row.username}]
            continue
        officer_id, path = found
        if not context.everything and not (context.scope_path and path.startswith(context.scope_path)):
            column = context.headers.email if row.email else context.headers.username
            errors.append(RowError(row.row, column, _("Officer «%(who)s» is outside the units you may import "
                                                      "for.") % {"who": row.email or row.username}))
            continue
        if row.external_id in staged_ids:
            if row.derived_id:  # the same officer, action and time twice: one event
                batch.known_rows += 1
            else:
                errors.append(RowError(row.row, context.headers.event_id,
                                       _("Event id «%(id)s» repeats row %(row)s.")
                                       % {"id": row.external_id, "row": first_row.get(row.external_id, "?")}))
            continue
        staged_ids.add(row.external_id)
        first_row[row.external_id] = row.row
        day = timezone.localtime(row.occurred_at).date()
        days.add(day.isoformat())
        staged.append(UsageImportRow(batch=batch, row=row.row, officer_id=officer_id, action_id=row.action_id,
                                     occurred_at=row.occurred_at, day=day, external_id=row.external_id))
    UsageImportRow.objects.bulk_create(staged, batch_size=1000)
    batch.days = sorted(days)
    _add_errors(batch, sorted(errors, key=lambda error: error.row), limits=context.limits)


def _finish(batch: UsageImport) -> None:
    staged = UsageImportRow.objects.filter(batch=batch)
    total_staged = staged.count()
    known = UsageEvent.objects.filter(source=EventSource.IMPORT, source_system=batch.software.code,
                                      external_id__in=staged.values("external_id")).count()
    batch.known_rows += known
    batch.new_rows = total_staged - known
    batch.total_rows = batch.rows_read
    batch.status = UsageImport.Status.INVALID if batch.error_count else UsageImport.Status.PREVIEW
    if batch.status == UsageImport.Status.INVALID:
        staged.delete()


@objects_frozen()
def usage_import_check(*, batch: UsageImport, max_seconds: float | None = STEP_SECONDS) -> UsageImport:
    """Check the next rows of a batch being checked, for about `max_seconds` (None: to the end), and
    save its progress (rows read, errors, unmatched rows, staged rows). When the file is read to the
    end the batch becomes "awaiting confirmation", or "has errors" (its staged rows dropped). A file
    that cannot be read at all (not a spreadsheet, missing headers, bad encoding) gives one error
    naming the header row or the file. Does nothing to a batch that is no longer being checked."""
    with transaction.atomic():
        batch = UsageImport.objects.select_for_update(of=("self",)).select_related("software__import_mapping",
                                                                       "uploaded_by").get(pk=batch.pk)
        if batch.status != UsageImport.Status.CHECKING:
            return batch
        context = _context(batch)
        started = time.monotonic()
        done = False
        try:
            with batch.file.open("rb") as handle:
                rows = iter_table(handle, batch.file_name, context.headers.columns(), limits=context.limits)
                rows = islice(rows, batch.rows_read, None)  # rows checked in earlier steps
                while True:
                    chunk = list(islice(rows, CHUNK_ROWS))
                    if not chunk:
                        done = True
                        break
                    _check_chunk(batch, context, chunk)
                    batch.rows_read += len(chunk)
                    if max_seconds is not None and time.monotonic() - started >= max_seconds:
                        break
        except TableFileError as exc:
            _add_errors(batch, [exc.as_row_error()], limits=context.limits)
            done = True
        if done:
            _finish(batch)
        batch.save()
    return batch


@dataclass
class ApplyResult:
    inserted: int
    days: list[date]


@objects_frozen()
def usage_import_apply(*, batch: UsageImport, user, skip_unmatched: bool = False) -> ApplyResult:  # noqa: ANN001
    """Write the staged rows of a checked batch as usage events, all or none, in one transaction; events
    already imported (same software, same id) are left as they are. Rows without a matching officer
    are skipped only when `skip_unmatched` (the user has seen the list). Marks the days touched for a
    refill. Raises UsageImportError (not awaiting confirmation, unmatched rows not acknowledged)."""
    with transaction.atomic():
        batch = UsageImport.objects.select_for_update(of=("self",)).select_related("software").get(pk=batch.pk)
        if batch.status != UsageImport.Status.PREVIEW:
            raise UsageImportError(_("This import is not awaiting confirmation."))
        if batch.unmatched_count and not skip_unmatched:
            raise UsageImportError(_("%(n)s rows match no officer: tick the box to skip them, or correct the "
                                     "file.") % {"n": batch.unmatched_count})
        table = UsageEvent._meta.db_table
        staging = UsageImportRow._meta.db_table
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (officer_id, software_id, action_id, occurred_at, day, source, source_system, "
                f"external_id, created_at) SELECT officer_id, %s, action_id, occurred_at, day, %s, %s, external_id, "
                f"%s FROM {staging} WHERE batch_id = %s "
                f"ON CONFLICT (source, source_system, external_id) DO NOTHING",
                [batch.software_id, EventSource.IMPORT, batch.software.code, now, batch.pk])
            inserted = max(cursor.rowcount, 0)
        days = [date.fromisoformat(day) for day in batch.days]
        refill_days_mark(days=days)
        UsageImportRow.objects.filter(batch=batch).delete()
        batch.status = UsageImport.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.save(update_fields=["status", "applied_at"])
    return ApplyResult(inserted=inserted, days=days)
