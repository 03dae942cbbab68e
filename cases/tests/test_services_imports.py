"""Importing steps from the national case software: all rows or none, idempotent, errors by row."""

from __future__ import annotations

import io
import itertools
import random
import unicodedata
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from cases import services
from cases.models import CaseDeadline, CaseStep, ImportBatch
from cases.tests.factories import make_case

TODAY = date(2026, 3, 20)
HEADER_VI = ["Mã bước", "Mã đơn vị", "Số hồ sơ", "Bước", "Ngày văn bản", "Thời điểm cập nhật",
             "Email người cập nhật", "Ghi chú"]
HEADER_EN = ["Step id", "Unit code", "Case number", "Step type", "Legal date", "Recorded at", "Officer e-mail"]
GOOD = [
    ["S-1", "A", "12/QĐ-CCTHADS", "Ra quyết định thi hành án", "03/03/2026", "04/03/2026 09:15", "officer@moj.gov.vn", ""],
    ["S-2", "A", "12/QĐ-CCTHADS", "thong bao cho duong su", "05/03/2026", "2026-03-10 16:00", "OFFICER@moj.gov.vn", "gửi bưu điện"],
    ["S-3", "A1", "1/A1", "decision", "2026-03-04", "2026-03-04", "other_a1@moj.gov.vn", ""],
]


def csv_bytes(rows, encoding: str = "utf-8", header=HEADER_VI) -> bytes:  # noqa: ANN001
    text = "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in [header, *rows]) + "\r\n"
    if encoding == "cp1258":
        return encode_cp1258(text)
    return text.encode(encoding)


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: base letters with separate tone marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, marks = unicodedata.normalize("NFD", char)[0], unicodedata.normalize("NFD", char)[1:]
        for keep in itertools.chain.from_iterable(itertools.combinations(marks, n) for n in range(len(marks), -1, -1)):
            rest = "".join(mark for mark in marks if mark not in keep)
            try:
                out += unicodedata.normalize("NFC", base + "".join(keep)).encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise AssertionError(char)
    return out


def xlsx_bytes(rows, header=HEADER_VI) -> bytes:  # noqa: ANN001
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def cases(world):  # noqa: ANN001, ANN201
    return [make_case(world), make_case(world, unit_key="A1", number="1/A1", officer_key="other_a1")]


def preview(world, content: bytes, name: str, role: str = "admin") -> ImportBatch:  # noqa: ANN001
    return services.step_import_preview(by=world.user(role), file_name=name, content=content, today=TODAY)


def apply(world, batch: ImportBatch, role: str = "admin") -> ImportBatch:  # noqa: ANN001
    return services.step_import_apply(batch=batch, by=world.user(role), today=TODAY)


def imported() -> int:
    return CaseStep.objects.filter(source="import").count()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_in_every_vietnamese_encoding_previews_clean(world, cases, encoding):
    batch = preview(world, csv_bytes(GOOD, encoding), "buoc.csv")
    assert batch.errors == [] and batch.status == ImportBatch.Status.PREVIEW
    assert (batch.total_rows, batch.new_rows) == (3, 3)
    assert imported() == 0  # a preview saves no step


def test_xlsx_with_english_headers_applies_and_reimport_changes_nothing(world, cases):
    content = xlsx_bytes([row[:7] for row in GOOD], header=HEADER_EN)
    batch = apply(world, preview(world, content, "steps.xlsx"))
    assert batch.status == ImportBatch.Status.APPLIED and batch.new_rows == 3
    assert imported() == 3
    step = CaseStep.objects.get(external_id="S-2")
    assert step.lag_working_days == 3 and not step.on_time  # 5/3 → 10/3: 6, 9, 10
    assert step.recorded_by == world.officers["officer"]
    # the decision met the intake deadline and opened two more; the notification met one of them
    case = cases[0]
    assert not CaseDeadline.objects.get(case=case, expected__code="notification").is_open
    assert CaseDeadline.objects.get(case=case, expected__code="procuracy").is_open
    before = CaseDeadline.objects.count()
    again = apply(world, preview(world, content, "steps.xlsx"))
    assert (again.new_rows, again.unchanged_rows, again.corrected_rows) == (0, 3, 0)
    assert imported() == 3 and CaseDeadline.objects.count() == before


def test_a_changed_row_becomes_a_correction(world, cases):
    apply(world, preview(world, csv_bytes(GOOD), "a.csv"))
    changed = [GOOD[0][:4] + ["02/03/2026"] + GOOD[0][5:]] + GOOD[1:]
    batch = apply(world, preview(world, csv_bytes(changed), "b.csv"))
    assert (batch.new_rows, batch.corrected_rows, batch.unchanged_rows) == (0, 1, 2)
    versions = CaseStep.objects.filter(external_id="S-1").order_by("version")
    assert [(v.version, v.is_current, v.legal_date.day) for v in versions] == [(1, False, 3), (2, True, 2)]
    assert versions[1].recorded_date == date(2026, 3, 4) and versions[1].lag_working_days == 2


def test_bad_rows_are_reported_by_row_column_and_message_and_nothing_is_saved(world, cases):
    rows = GOOD + [
        ["S-4", "A", "99/KHONG-CO", "decision", "03/03/2026", "04/03/2026", "officer@moj.gov.vn", ""],
        ["S-5", "A", "12/QĐ-CCTHADS", "decision", "31/02/2026", "04/03/2026", "ai-do@moj.gov.vn", ""],
        ["S-1", "A", "12/QĐ-CCTHADS", "bay buoc la", "03/03/2026", "01/03/2026", "officer@moj.gov.vn", ""],
        ["", "A", "12/QĐ-CCTHADS", "decision", "03/04/2026", "03/04/2026", "khong-phai-email", ""],
    ]
    batch = preview(world, csv_bytes(rows), "loi.csv")
    assert batch.status == ImportBatch.Status.INVALID
    found = {(error["row"], error["column"]) for error in batch.errors}
    assert found == {
        (5, "Số hồ sơ"),
        (6, "Ngày văn bản"), (6, "Email người cập nhật"),
        (7, "Mã bước"), (7, "Bước"), (7, "Thời điểm cập nhật"),
        (8, "Mã bước"), (8, "Ngày văn bản"), (8, "Email người cập nhật"),
    }
    messages = " ".join(error["message"] for error in batch.errors)
    assert "99/KHONG-CO" in messages and "ai-do@moj.gov.vn" in messages and "trùng với dòng 2" in messages
    assert batch.error_count == len(batch.errors) == 9, batch.errors
    with pytest.raises(services.StepImportError):
        apply(world, batch)
    assert imported() == 0


@pytest.mark.parametrize("content, name, row", [
    (b"PK\x03\x04 not really a zip", "hong.xlsx", 0),
    (b"\x00\x01\x02binary", "nhi-phan.csv", 0),
    ("Mã bước,Số hồ sơ\r\nS-1,12\r\n".encode("utf-16"), "utf16.csv", 0),
    (b"", "rong.csv", 0),
    (b"a,b,c\r\n1,2,3\r\n", "sai-cot.csv", 1),  # the header row, naming the missing columns
    (b"%PDF-1.4", "tep.pdf", 0),
])
def test_malformed_files_are_refused_with_a_file_level_error(world, cases, content, name, row):
    batch = preview(world, content, name)
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors[0]["row"] == row and batch.errors[0]["message"]
    if row:
        assert "Mã bước" in batch.errors[0]["column"]
    assert not batch.file
    assert imported() == 0


def test_rows_outside_the_importers_units_are_errors(world, cases):
    make_case(world, unit_key="B", number="1/B", officer_key="other_b")
    rows = [["S-9", "B", "1/B", "decision", "03/03/2026", "04/03/2026", "other_b@moj.gov.vn", ""]]
    batch = preview(world, csv_bytes(rows), "b.csv", role="unit_manager")
    assert batch.status == ImportBatch.Status.INVALID
    assert "không thuộc đơn vị" in batch.errors[0]["message"]


def test_apply_rolls_back_everything_when_a_late_row_became_invalid(world, cases, monkeypatch):
    from cases.services import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)  # the first row is written before the last is checked
    batch = preview(world, csv_bytes(GOOD), "a.csv")
    # Since the preview, the last row's step id was used on another case.
    from cases.tests.factories import local_moment, step_type

    services.case_step_record(case=cases[0], step_type=step_type("decision"), legal_date=date(2026, 3, 3),
                              by=world.officers["officer"], recorded_at=local_moment(date(2026, 3, 4)),
                              external_id="S-3")
    steps_before = CaseStep.objects.count()
    with pytest.raises(services.StepImportError):
        apply(world, batch)
    assert imported() == 0 and CaseStep.objects.count() == steps_before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_an_applied_batch_cannot_be_applied_twice(world, cases):
    batch = apply(world, preview(world, csv_bytes(GOOD), "a.csv"))
    with pytest.raises(services.StepImportError):
        apply(world, batch)
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="import", target="a.csv").count() == 1


def test_duplicate_ids_are_found_exactly_even_when_the_bitmap_collides(world, cases, monkeypatch):
    from cases.services import imports

    monkeypatch.setattr(imports, "SEEN_BITS", 8)  # every id shares a few bits: many candidate hits
    rows = [[f"S-{i}", "A", "12/QĐ-CCTHADS", "decision", "03/03/2026", "04/03/2026", "officer@moj.gov.vn", ""]
            for i in range(40)]
    clean = preview(world, csv_bytes(rows), "khong-trung.csv")
    assert clean.status == ImportBatch.Status.PREVIEW and clean.error_count == 0
    rows.append(list(rows[7]))  # row 42 repeats row 9 (row 1 is the header)
    batch = preview(world, csv_bytes(rows), "trung.csv")
    assert batch.status == ImportBatch.Status.INVALID and batch.error_count == 1
    assert batch.errors == [{"row": 42, "column": "Mã bước", "message": "Mã bước «S-7» trùng với dòng 9."}]


def test_duplicate_ids_with_quotes_backslashes_and_accents_are_found_exactly(world, cases, monkeypatch):
    from cases.services import imports

    monkeypatch.setattr(imports, "SEEN_BITS", 8)  # every id is a candidate: each staged line is read back
    ids = ['S-"7"', "S\\8", "Bước-9", 'a\\"b', "S-10"]
    rows = [[external_id, "A", "12/QĐ-CCTHADS", "decision", "03/03/2026", "04/03/2026", "officer@moj.gov.vn", ""]
            for external_id in ids + ids[:4]]
    batch = preview(world, xlsx_bytes(rows), "trung-ky-tu.xlsx")
    assert batch.status == ImportBatch.Status.INVALID and batch.error_count == 4
    assert batch.errors == [
        {"row": 7 + index, "column": "Mã bước", "message": f"Mã bước «{external_id}» trùng với dòng {2 + index}."}
        for index, external_id in enumerate(ids[:4])]


def test_preview_streams_from_a_file_and_apply_reads_only_the_staged_rows(world, cases, monkeypatch, tmp_path):
    from cases.services import imports

    path = tmp_path / "buoc.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    with path.open("rb") as handle:
        batch = services.step_import_preview(by=world.user("admin"), file_name="buoc.xlsx", file=handle,
                                             today=TODAY)
    assert batch.status == ImportBatch.Status.PREVIEW and batch.new_rows == 3
    assert batch.file and batch.staged

    def no_second_parse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the spreadsheet is parsed again")

    monkeypatch.setattr(imports, "iter_table", no_second_parse)
    apply(world, batch)
    assert imported() == 3


def test_corrections_rebuild_the_deadlines_of_every_corrected_case(world, cases):
    apply(world, preview(world, csv_bytes(GOOD), "a.csv"))
    decision = CaseStep.objects.get(external_id="S-1")
    assert CaseDeadline.objects.filter(trigger=decision).exists()
    changed = [list(GOOD[0]), list(GOOD[1]), list(GOOD[2])]
    changed[0][4] = "02/03/2026"  # decision one day earlier
    changed[2][4] = "03/03/2026"
    batch = apply(world, preview(world, csv_bytes(changed), "b.csv"))
    assert (batch.new_rows, batch.corrected_rows, batch.unchanged_rows) == (0, 2, 1)
    current = CaseStep.objects.current().get(external_id="S-1")
    assert current.version == 2 and current.legal_date == date(2026, 3, 2)
    # Deadlines now hang on the current versions only, with due dates counted from the new date.
    assert not CaseDeadline.objects.filter(trigger=decision).exists()
    rebuilt = CaseDeadline.objects.filter(trigger=current)
    assert rebuilt.exists() and all(d.trigger_date == date(2026, 3, 2) for d in rebuilt)
    assert CaseDeadline.objects.filter(trigger__external_id="S-3", trigger__is_current=True).exists()


def _deadline_table() -> list[tuple]:
    return sorted(CaseDeadline.objects.values_list(
        "case_id", "rule_id", "trigger__external_id", "trigger_date", "expected_id", "due_date", "officer_id",
        "unit_id", "is_open", "met_by__external_id", "met_on"))


def test_deadlines_met_in_a_later_chunk_are_closed_as_when_met_in_the_same_chunk(world, cases, monkeypatch):
    from cases.services import imports

    before = _deadline_table()
    apply(world, preview(world, csv_bytes(GOOD), "a.csv"))
    same_chunk = _deadline_table()
    notify = CaseStep.objects.get(external_id="S-2")
    assert CaseDeadline.objects.filter(met_by=notify, is_open=False, met_on=date(2026, 3, 5)).exists()
    # Back to the state before the import: the intake deadlines open again, nothing imported.
    CaseDeadline.objects.filter(trigger__source="import").delete()
    CaseDeadline.objects.filter(met_by__source="import").update(is_open=True, met_by=None, met_on=None)
    CaseStep.objects.filter(source="import").delete()
    assert _deadline_table() == before
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)  # each step in its own chunk: saved deadlines are updated
    apply(world, preview(world, csv_bytes(GOOD), "b.csv"))
    assert _deadline_table() == same_chunk


def test_random_files_give_the_same_deadlines_whatever_the_chunks(world, cases, monkeypatch):
    """A deadline is met by the earliest step of the expected type on or after its trigger, whatever the
    order steps arrive in: random steps of open cases, imported in two files, give the same deadlines in
    chunks of 3 rows as in one, and as a rebuild from all the steps (each chunk reads only the steps and
    deadlines its new steps can meet or be met by)."""
    from cases.models import StepType
    from cases.services import imports

    rng = random.Random(20261203)
    names = list(StepType.objects.filter(sets_status="").values_list("name", flat=True))
    keys = [("A", "12/QĐ-CCTHADS", "officer@moj.gov.vn"), ("A1", "1/A1", "other_a1@moj.gov.vn")]
    files = []
    for part in range(2):
        rows = []
        for index in range(40):
            unit, number, email = rng.choice(keys)
            legal = date(2026, 3, 2) + timedelta(days=rng.randrange(15))
            rows.append([f"R{part}-{index}", unit, number, rng.choice(names), legal.strftime("%d/%m/%Y"),
                         (legal + timedelta(days=rng.randrange(3))).strftime("%d/%m/%Y 10:00"), email, ""])
        files.append(csv_bytes(rows))
    tables = []
    for chunk_rows in (3, 10_000):
        monkeypatch.setattr(imports, "CHUNK_ROWS", chunk_rows)
        for number, content in enumerate(files):
            assert apply(world, preview(world, content, f"{number}.csv")).status == ImportBatch.Status.APPLIED
        tables.append(_deadline_table())
        services.case_deadlines_rebuild_many(case_ids=[case.pk for case in cases])
        assert _deadline_table() == tables[-1]  # as a rebuild from all the steps finds them
        # Back to the state before the imports (as in the test above).
        CaseDeadline.objects.filter(trigger__source="import").delete()
        CaseDeadline.objects.filter(met_by__source="import").update(is_open=True, met_by=None, met_on=None)
        CaseStep.objects.filter(source="import").delete()
    assert tables[0] == tables[1]
    assert sum(1 for row in tables[0] if row[9] is not None) > 10  # deadlines met, within and across files


def test_a_required_cell_holding_an_excel_error_is_named_and_not_looked_up(world, cases):
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER_VI, *GOOD]:
        sheet.append(row)
    sheet["C3"] = "#N/A"  # a VLOOKUP that found no case number, as Excel saves it
    sheet["C3"].data_type = "e"
    sheet["G4"] = "#REF!"
    sheet["G4"].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = preview(world, buffer.getvalue(), "loi-excel.xlsx")
    assert batch.status == ImportBatch.Status.INVALID
    assert [(error["row"], error["column"], error["message"]) for error in batch.errors] == [
        (3, "Số hồ sơ", "Ô ở dòng 3, cột «Số hồ sơ» đang báo lỗi Excel #N/A thay vì có giá trị (thường do công thức "
                        "trong ô không tính được). Hãy sửa hoặc nhập lại giá trị của ô này rồi tải tệp lên lại."),
        (4, "Email người cập nhật", "Ô ở dòng 4, cột «Email người cập nhật» đang báo lỗi Excel #REF! thay vì có giá "
                                    "trị (thường do công thức trong ô không tính được). Hãy sửa hoặc nhập lại giá trị "
                                    "của ô này rồi tải tệp lên lại."),
    ]
    assert imported() == 0



def test_a_required_cell_holding_getting_data_is_named_like_the_other_excel_errors(world, cases):
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER_VI, *GOOD]:
        sheet.append(row)
    sheet["C3"] = "#GETTING_DATA"  # a linked value not fetched yet when the file was saved
    sheet["C3"].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert b'<c r="C3" t="e"><v>#GETTING_DATA</v></c>' in archive.read("xl/worksheets/sheet1.xml")
    batch = preview(world, buffer.getvalue(), "dang-lay.xlsx")
    assert batch.status == ImportBatch.Status.INVALID
    assert [(error["row"], error["column"], error["message"]) for error in batch.errors] == [
        (3, "Số hồ sơ", "Ô ở dòng 3, cột «Số hồ sơ» đang báo lỗi Excel #GETTING_DATA thay vì có giá trị (thường do "
                        "công thức trong ô không tính được). Hãy sửa hoặc nhập lại giá trị của ô này rồi tải tệp lên "
                        "lại."),
    ]
    assert imported() == 0

def test_cases_are_matched_by_unit_and_folded_number_when_numbers_repeat_across_units(world, cases):
    twin = make_case(world, unit_key="A1", number="12/QĐ-CCTHADS", officer_key="other_a1")
    rows = [
        ["S-1", "a", "12/qd-ccthads", "decision", "03/03/2026", "04/03/2026", "officer@moj.gov.vn", ""],
        ["S-2", "A1", "12/QĐ-CCTHADS", "decision", "03/03/2026", "04/03/2026", "other_a1@moj.gov.vn", ""],
    ]
    batch = apply(world, preview(world, csv_bytes(rows), "twins.csv"))
    assert batch.new_rows == 2
    assert dict(CaseStep.objects.filter(source="import").values_list("external_id", "case_id")) == {
        "S-1": cases[0].pk, "S-2": twin.pk}
    # A number known only in another unit is no match for this unit.
    wrong = preview(world, csv_bytes([["S-3", "A", "1/A1", "decision", "03/03/2026", "04/03/2026",
                                       "officer@moj.gov.vn", ""]]), "wrong.csv")
    assert wrong.status == ImportBatch.Status.INVALID
    assert [(error["row"], error["column"]) for error in wrong.errors] == [(2, "Số hồ sơ")]


def test_imported_steps_get_the_lags_and_deadlines_of_steps_recorded_by_hand(world):
    from cases.tests.factories import local_moment, step_type

    imported_cases = [make_case(world, number=f"{n}/QĐ") for n in (21, 22)]
    by_hand = make_case(world, number="23/QĐ")
    rows = []
    for n, case in enumerate(imported_cases):  # the same dates on both cases: lags and due dates are shared
        rows += [[f"D-{n}", "A", case.number, "decision", "03/03/2026", "04/03/2026 09:15", "officer@moj.gov.vn", ""],
                 [f"N-{n}", "A", case.number, "notification", "05/03/2026", "10/03/2026 16:00",
                  "officer@moj.gov.vn", ""]]
    batch = apply(world, preview(world, csv_bytes(rows), "steps.csv"))
    assert batch.new_rows == 4
    for code, legal, recorded in (("decision", date(2026, 3, 3), date(2026, 3, 4)),
                                  ("notification", date(2026, 3, 5), date(2026, 3, 10))):
        services.case_step_record(case=by_hand, step_type=step_type(code), legal_date=legal,
                                  by=world.officers["officer"], recorded_at=local_moment(recorded))

    def steps(case):  # noqa: ANN001, ANN202
        return sorted(CaseStep.objects.filter(case=case).values_list(
            "step_type__code", "legal_date", "recorded_date", "lag_working_days", "on_time"))

    def deadlines(case):  # noqa: ANN001, ANN202
        return sorted(CaseDeadline.objects.filter(case=case).values_list(
            "rule_id", "trigger__step_type__code", "trigger_date", "expected__code", "due_date", "is_open",
            "met_by__step_type__code", "met_on"))

    assert steps(by_hand) == steps(imported_cases[0]) == steps(imported_cases[1])
    assert len(deadlines(by_hand)) >= 3
    assert deadlines(by_hand) == deadlines(imported_cases[0]) == deadlines(imported_cases[1])
