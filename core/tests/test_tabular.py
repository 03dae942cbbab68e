"""Reading tables: what the reader keeps of a sheet, the guard in front of it, and the limits."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from openpyxl import Workbook, load_workbook

from core.formats.limits import TableLimits, table_limits
from core.formats.tabular import Column, TableFileError, _cell_text, iter_raw_rows, iter_table, read_table
from core.formats import xlsx_guard
from core.formats.xlsx_guard import xlsx_inspect
from core.tests import hostile_files

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = [Column("number", ["Số hồ sơ"]), Column("date", ["Ngày"], required=False),
           Column("note", ["Ghi chú"], required=False)]


def xlsx(rows: list[list], *, extra_sheet: list[list] | None = None, merge: str | None = None,
         start: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if extra_sheet is not None:
        other = book.create_sheet("Khac")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def openpyxl_rows(content: bytes) -> list[list[str]]:
    """What the reader gave before python-calamine: openpyxl read-only, every row of the first sheet."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [[_cell_text(value) for value in values] for values in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(row) for row in rows]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


# ---- what the reader keeps -------------------------------------------------------------------

def test_first_sheet_only_and_rows_numbered_as_excel_shows_them():
    content = xlsx([[], [], ["Số hồ sơ", "Ngày"], ["12/QĐ", "03/03/2026"], [], ["13/QĐ", ""]],
                   extra_sheet=[["Số hồ sơ"], ["KHÔNG ĐỌC"]])
    assert list(iter_table(content, "a.xlsx", COLUMNS)) == [
        (4, {"number": "12/QĐ", "date": "03/03/2026"}), (6, {"number": "13/QĐ", "date": ""})]


def test_dates_as_typed_ids_as_text_and_text_dates_unchanged():
    content = xlsx([["Số hồ sơ", "Ngày", "Ghi chú"],
                    ["0012", dt.datetime(2026, 3, 5), dt.datetime(2026, 3, 5, 16, 30)],
                    [12, "05/03/2026", 12.5],
                    [1234567890123, dt.date(2026, 3, 6), None]])
    rows = [values for _, values in iter_table(content, "a.xlsx", COLUMNS)]
    assert rows == [
        {"number": "0012", "date": "2026-03-05T00:00:00", "note": "2026-03-05T16:30:00"},
        {"number": "12", "date": "05/03/2026", "note": "12.5"},
        {"number": "1234567890123", "date": "2026-03-06T00:00:00", "note": ""},
    ]


def test_excel_serial_with_a_date_format_reads_as_that_date():
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Ngày"])
    sheet.append(["1/A", 46086])
    sheet["B2"].number_format = "dd/mm/yyyy"  # as Excel with Vietnamese regional settings shows it
    buffer = io.BytesIO()
    book.save(buffer)
    assert [values["date"] for _, values in iter_table(buffer.getvalue(), "a.xlsx", COLUMNS)] == ["2026-03-05T00:00:00"]


def test_merged_cells_keep_the_value_in_the_first_cell_and_trailing_empty_rows_are_skipped():
    content = xlsx([["Số hồ sơ", "Ghi chú", ""], ["1/A", "gộp", ""], ["2/A", "x", ""], [None], [None]],
                   merge="B2:C2")
    assert trimmed(openpyxl_rows(content))[1] == ["1/A", "gộp"]
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == trimmed(openpyxl_rows(content))
    assert [number for number, _ in iter_table(content, "a.xlsx", COLUMNS)] == [2, 3]


def test_text_typed_in_combining_form_is_read_as_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Hưởng")
    content = xlsx([["Số hồ sơ", "Ghi chú"], ["1/A", decomposed]])
    [(_, values)] = iter_table(content, "a.xlsx", COLUMNS)
    assert values["note"] == "Nguyễn Văn Hưởng" and unicodedata.is_normalized("NFC", values["note"])


def _libreoffice_like() -> bytes:
    """An .xlsx as LibreOffice Calc saves it: shared strings, dates as serials with a date style,
    explicit t="n", xml:space on strings, a bare <dimension>."""
    base = xlsx([["x", dt.date(2026, 1, 1)]])  # gives styles.xml a date style, s="1"
    strings = ["Số hồ sơ", "Ngày", "Ghi chú", "0012", "05/03/2026", unicodedata.normalize("NFD", "Lê Thị Ánh")]
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              f'2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings) + "</sst>")
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>'
             '<row r="1" spans="1:3"><c r="A1" s="0" t="s"><v>0</v></c><c r="B1" s="0" t="s"><v>1</v></c>'
             '<c r="C1" s="0" t="s"><v>2</v></c></row>'
             '<row r="2" spans="1:3"><c r="A2" s="0" t="s"><v>3</v></c><c r="B2" s="1" t="n"><v>46086</v></c>'
             '<c r="C2" s="0" t="s"><v>5</v></c></row>'
             '<row r="3" spans="1:3"><c r="A3" s="0" t="n"><v>12</v></c><c r="B3" s="0" t="s"><v>4</v></c>'
             '<c r="C3" s="1" t="n"><v>46086.6875</v></c></row>'
             "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(name, data)
        target.writestr("xl/sharedStrings.xml", shared.encode())
    return out.getvalue()


def test_a_libreoffice_file_reads_as_openpyxl_read_it():
    content = _libreoffice_like()
    assert trimmed(list(iter_raw_rows(content, "calc.xlsx"))) == trimmed(openpyxl_rows(content)) == [
        ["Số hồ sơ", "Ngày", "Ghi chú"], ["0012", "2026-03-05T00:00:00", "Lê Thị Ánh"],
        ["12", "05/03/2026", "2026-03-05T16:30:00"]]


def test_cells_without_references_are_placed_in_order():
    sheet = (hostile_files.SHEET_HEAD + b'<row><c t="inlineStr"><is><t>So ho so</t></is></c></row><row/>'
             b'<row><c t="inlineStr"><is><t>1/A</t></is></c><c><v>5</v></c></row>' + hostile_files.SHEET_TAIL)
    content = hostile_files._zip(hostile_files._skeleton(), sheet)
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == [["So ho so"], [], ["1/A", "5"]]


# ---- random sheets read the same as through openpyxl -----------------------------------------

CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ "
                                     "ìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ0123456789/-.,:'\"&<>"), max_size=12),
    st.from_regex(r"0\d{1,6}", fullmatch=True),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda value: round(value, 4)),
    st.booleans(),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2090, 12, 31)).map(
        lambda value: value.replace(second=0, microsecond=0)),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, max_size=6), min_size=1, max_size=8))
def test_random_small_sheets_read_the_same_as_through_openpyxl(rows):
    content = xlsx(rows)
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == trimmed(openpyxl_rows(content))


# ---- the guard and the limits ------------------------------------------------------------------

def test_guard_reports_the_real_extent_not_the_declared_dimension():
    content = hostile_files._zip(hostile_files._skeleton(), hostile_files.SHEET_HEAD  # declares A1:B2
                                 + b'<row r="7"><c r="E7"><v>1</v></c><c r="Z7" s="1"/></row>' + hostile_files.SHEET_TAIL)
    facts = xlsx_inspect(io.BytesIO(content), limits=TableLimits())
    # A formatting-only cell (self-closing) counts too: the guard takes the upper bound.
    assert (facts.rows, facts.columns) == (7, 26)


@pytest.mark.parametrize("limits, words", [
    (TableLimits(rows=3), "tới dòng 4, vượt quá giới hạn 3 dòng"),
    (TableLimits(columns=2), "tới cột thứ 3, vượt quá giới hạn 2 cột"),
    (TableLimits(cells=11), "4 dòng × 3 cột"),
    (TableLimits(upload_bytes=1000), "lớn hơn giới hạn"),
])
def test_files_beyond_the_limits_are_refused_before_any_row(limits, words):
    content = xlsx([["Số hồ sơ", "Ngày", "Ghi chú"], ["1", "2", "3"], ["1", "2", "3"], ["1", "2", "3"]])
    rows = iter_table(content, "a.xlsx", COLUMNS, limits=limits)
    with pytest.raises(TableFileError) as refused:
        next(rows)
    assert words in refused.value.message


def test_csv_beyond_the_row_limit_is_refused_naming_the_limit():
    content = ("Số hồ sơ\r\n" + "1/A\r\n" * 10).encode()
    with pytest.raises(TableFileError, match="giới hạn 5 dòng"):
        read_table(content, "a.csv", COLUMNS, limits=TableLimits(rows=5))


def test_limits_are_settings_per_kind_of_import(settings):
    settings.THADS_IMPORT_LIMITS = {"default": {"rows": 50}, "case_steps": {"columns": 20}, "staff": {"rows": 7}}
    assert (table_limits("case_steps").rows, table_limits("case_steps").columns) == (50, 20)
    assert table_limits("staff").rows == 7 and table_limits("staff").columns == 100
    assert table_limits().rows == 50


def test_password_protected_and_macro_files_are_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(TableFileError, match="mật khẩu"):
        list(iter_raw_rows(ole, "a.xlsx"))
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["a"]]))) as source, zipfile.ZipFile(macro, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("xl/vbaProject.bin", b"\x00" * 32)
    with pytest.raises(TableFileError, match="macro"):
        list(iter_raw_rows(macro.getvalue(), "a.xlsx"))


# The peak resident memory of this process since it started (getrusage's figure would include the
# parent's, which is kept across fork and exec).
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""
# The reader's messages come through Django's translation: the child configures the least that gives
# them in Vietnamese (no apps, the project's catalogue), so its peak counts Django's import too.
CHILD = PEAK + """
import json, resource, sys, time
sys.path.insert(0, {root!r})
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import django
from django.conf import settings
settings.configure(LANGUAGE_CODE="vi", LOCALE_PATHS=[{locale!r}])
django.setup()
from core.formats.limits import TableLimits
from core.formats.tabular import TableFileError, iter_raw_rows
started = time.perf_counter()
message = ""
with open(sys.argv[1], "rb") as handle:
    try:
        for _ in iter_raw_rows(handle, "tep.xlsx", limits=TableLimits()):
            pass
    except TableFileError as exc:
        message = exc.message
print(json.dumps({{"message": message, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}}))
"""
MEMORY_LIMIT = 1 << 30


def run_reader(path: Path) -> dict:
    """Read `path` in a child process limited to 1 GB of address space; its peak memory and time."""
    script = CHILD.format(root=str(ROOT), limit=MEMORY_LIMIT, locale=str(ROOT / "locale"))
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "far-cell": hostile_files.write(folder / "far.xlsx", hostile_files.far_cell()),
        "2m-rows": hostile_files.write(folder / "rows.xlsx", hostile_files.many_rows(referenced=False)),
        "300k-rows-referenced": hostile_files.write(folder / "rows-ref.xlsx", hostile_files.many_rows(300_000)),
        "2gb-sheet": hostile_files.write(folder / "huge.xlsx", hostile_files.huge_sheet()),
        "2gb-sheet-lying-directory": hostile_files.write(folder / "lying.xlsx",
                                                         hostile_files.huge_sheet(declared=100 << 20)),
    }


@pytest.mark.parametrize("name, words", [
    ("far-cell", "1.048.576"), ("2m-rows", "vượt quá giới hạn 200.000 dòng"),
    ("300k-rows-referenced", "vượt quá giới hạn 200.000 dòng"), ("2gb-sheet", "giải nén vượt quá giới hạn"),
    ("2gb-sheet-lying-directory", "bị hỏng"),
])
def test_hostile_files_are_refused_in_under_a_second_with_peak_memory_under_100_mb(hostile, name, words):
    outcome = run_reader(hostile[name])
    assert words in outcome["message"]
    assert outcome["seconds"] < 1.0, outcome
    assert outcome["peak_mb"] < 100, outcome


def test_without_the_guard_the_far_cell_file_breaks_the_reader(hostile):
    """The reason for the guard: python-calamine alone aborts the process on the far cell."""
    script = (f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
              "import sys, python_calamine\n"
              "python_calamine.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\n")
    done = subprocess.run([sys.executable, "-c", script, str(hostile["far-cell"])], capture_output=True, timeout=60,
                          check=False)
    assert done.returncode != 0


def _csv_peak_mb(path: Path, rows: int) -> float:
    with path.open("w", encoding="cp1258", newline="") as handle:
        handle.write("Số hồ sơ,Ghi chú\r\n".replace("ố", "ô").replace("ồ", "ô"))  # cp1258 has no ố
        for index in range(rows):
            handle.write(f"{index}/A,đơn ư dong {index} cua tep CSV\r\n")
    script = PEAK + (f"import json, resource, sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "from core.formats.limits import TableLimits\nfrom core.formats.tabular import iter_raw_rows\n"
              "rows = sum(1 for _ in iter_raw_rows(open(sys.argv[1], 'rb'), 'a.csv', limits=TableLimits(rows=10**7)))\n"
              "print(json.dumps({'rows': rows, 'peak_mb': peak_mb()}))")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    outcome = json.loads(done.stdout)
    assert outcome["rows"] == rows + 1
    return outcome["peak_mb"]


def test_a_csv_is_decoded_as_it_streams_memory_flat_as_rows_grow_four_times(tmp_path):
    small = _csv_peak_mb(tmp_path / "nho.csv", 50_000)
    large = _csv_peak_mb(tmp_path / "lon.csv", 200_000)  # about 8 MB more text
    assert large - small < 4, (small, large)


# ---- cells holding an Excel error ------------------------------------------------------------------

ERRORS = ["#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def _with_error_cells() -> bytes:
    """A sheet saved by openpyxl with error cells (data type 'e'), as Excel stores a failed formula's
    cached value, among ordinary cells and ahead of an offset table."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Ngày", "Ghi chú"])
    for row, value in enumerate(ERRORS, start=2):
        sheet.cell(row=row, column=1, value=f"{row}/QĐ")
        cell = sheet.cell(row=row, column=1 + row % 2 + 1, value=value)
        cell.data_type = "e"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_error_cells_read_as_their_error_text_as_openpyxl_read_them():
    content = _with_error_cells()
    assert b't="e"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    rows = trimmed(list(iter_raw_rows(content, "loi.xlsx")))
    assert rows == trimmed(openpyxl_rows(content))
    assert [value for row in rows[1:] for value in row[1:] if value] == ERRORS
    assert rows[1] == ["2/QĐ", "#N/A"] and rows[2] == ["3/QĐ", "", "#VALUE!"]


def test_a_formula_error_written_by_libreoffice_reads_as_its_text_in_its_own_cell():
    sheet = (hostile_files.SHEET_HEAD
             + b'<row r="1"><c r="A1" t="inlineStr"><is><t>So</t></is></c><c r="B1" t="inlineStr"><is><t>Ngay</t></is></c></row>'
             b'<row r="2"><c r="A2" s="0" t="e"><f>VLOOKUP(Z2;Sheet2.A:B;2;0)</f><v>#N/A</v></c><c r="B2"><v>7</v></c></row>'
             b'<row r="3"><c r="A3"/><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
             b'<row r="4"><c r="A4" t="str"><f>"#N/A"</f><v>#N/A</v></c></row>' + hostile_files.SHEET_TAIL)
    content = hostile_files._zip(hostile_files._skeleton(), sheet)
    assert xlsx_inspect(io.BytesIO(content), limits=TableLimits()).has_errors
    assert trimmed(list(iter_raw_rows(content, "lo.xlsx"))) == [["So", "Ngay"], ["#N/A", "7"], ["", "#DIV/0!"],
                                                                ["#N/A"]]


def test_a_sheet_without_error_cells_takes_no_second_pass(monkeypatch):
    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("second pass")

    monkeypatch.setattr(xlsx_guard, "iter_error_cells", fail)
    content = xlsx([["Số hồ sơ"], ["#N/A typed as text"]])
    assert not xlsx_inspect(io.BytesIO(content), limits=TableLimits()).has_errors
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == [["Số hồ sơ"], ["#N/A typed as text"]]


def test_a_required_cell_holding_an_error_is_named_by_row_and_column():
    from core.formats.tabular import RowError, with_excel_errors

    values = {"number": "#REF!", "date": "#N/A", "note": ""}
    other = RowError(4, "Số hồ sơ", "Không có hồ sơ số «#REF!».")
    errors = with_excel_errors(4, values, COLUMNS, [other, RowError(4, "Ngày", "x")])
    assert [(error.row, error.column) for error in errors] == [(4, "Số hồ sơ"), (4, "Ngày")]
    assert errors[0].message == ("Ô ở dòng 4, cột «Số hồ sơ» đang báo lỗi Excel #REF! thay vì có giá trị (thường do "
                                 "công thức trong ô không tính được). Hãy sửa hoặc nhập lại giá trị của ô này rồi "
                                 "tải tệp lên lại.")


# Error values python-calamine does not know: it refuses the whole sheet when a cell holds one.
RARE_ERRORS = ["#GETTING_DATA", "#SPILL!", "#CALC!", "#BLOCKED!", "#FIELD!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
               "#PYTHON!"]


def with_cells_replaced(content: bytes, cells: dict[str, bytes]) -> bytes:
    """`content` (an .xlsx saved by openpyxl) with the XML of some cells of its first sheet replaced
    (e.g. {"B2": b'<c r="B2" t="e"><v>#GETTING_DATA</v></c>'}), every other part as it was."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                for ref, cell in cells.items():
                    pattern = rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode()
                    data, count = re.subn(pattern, lambda _, cell=cell: cell, data, count=1)
                    assert count == 1, ref
            archive.writestr(name, data)
    return buffer.getvalue()


def _table_with_dates() -> bytes:
    return xlsx([["Số hồ sơ", "Ngày", "Ghi chú"], ["1/QĐ", 5, "một"], ["2/QĐ", dt.date(2026, 3, 5), "0012"],
                 ["3/QĐ", 7.5, "ba"]])


@pytest.mark.parametrize("error", RARE_ERRORS)
def test_an_error_value_the_fast_reader_refuses_reads_as_its_text_every_other_cell_as_before(error):
    from python_calamine import CalamineError, CalamineWorkbook

    plain = _table_with_dates()
    content = with_cells_replaced(plain, {"B2": b'<c r="B2" t="e"><v>%s</v></c>' % error.encode()})
    with pytest.raises(CalamineError):  # the defect itself: the whole sheet refused for one cell
        CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    assert xlsx_inspect(io.BytesIO(content), limits=TableLimits()).has_errors
    expected = trimmed(list(iter_raw_rows(plain, "a.xlsx")))
    expected[1][1] = error
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == expected == trimmed(openpyxl_rows(content))
    assert expected[2] == ["2/QĐ", "2026-03-05T00:00:00", "0012"]


def test_known_and_refused_error_values_together_each_read_as_its_own_text_in_its_own_place():
    plain = xlsx([["Số hồ sơ", "Ngày", "Ghi chú"], ["1/QĐ", 1, "a"], ["2/QĐ", 2, "b"], ["3/QĐ", 3, "c"]])
    content = with_cells_replaced(plain, {
        "A2": b'<c r="A2" t="e"><f>VLOOKUP(Z2,K:L,2,0)</f><v>#N/A</v></c>',
        "B2": b'<c r="B2" t="e"><f>SORT(K1:K9)</f><v>#SPILL!</v></c>',
        "C3": b'<c r="C3" t="str"><f>"#CALC!"</f><v>#CALC!</v></c>',  # text that looks like an error
        "C4": b'<c r="C4" t="e"><v>#GETTING_DATA</v></c><c r="E4" t="e"><v>#BUSY!</v></c>',  # the furthest column
    })
    assert trimmed(list(iter_raw_rows(content, "a.xlsx"))) == [
        ["Số hồ sơ", "Ngày", "Ghi chú"], ["#N/A", "#SPILL!", "a"], ["2/QĐ", "2", "#CALC!"],
        ["3/QĐ", "3", "#GETTING_DATA", "", "#BUSY!"]]


def test_a_refused_error_value_in_single_quoted_attributes_reads_as_its_text():
    sheet = (hostile_files.SHEET_HEAD
             + b'<row r="1"><c r="A1" t="inlineStr"><is><t>So</t></is></c><c r="B1" t="inlineStr"><is><t>Ngay</t></is></c></row>'
             b"<row r='2'><c r='A2' t='e'><v>#GETTING_DATA</v></c><c r=\"B2\" t='e'><v>#N/A</v></c></row>"
             + hostile_files.SHEET_TAIL)
    content = hostile_files._zip(hostile_files._skeleton(), sheet)
    assert xlsx_inspect(io.BytesIO(content), limits=TableLimits()).has_errors
    assert trimmed(list(iter_raw_rows(content, "lo.xlsx"))) == [["So", "Ngay"], ["#GETTING_DATA", "#N/A"]]


@pytest.mark.parametrize("error", ["#N/A", "#GETTING_DATA"])
def test_an_error_type_in_single_quotes_among_common_cells_reads_as_its_text(error):
    # Every other cell as the common writers write them, the odd one far past the guard's first 1 MB
    # chunk of XML: that chunk passes the guard's cheap check, which is not where the error is seen.
    plain = xlsx([["Số hồ sơ", "Ngày", "Ghi chú"]] + [[f"{index}/QĐ", index, "x" * 20] for index in range(1, 30001)])
    assert len(zipfile.ZipFile(io.BytesIO(plain)).read("xl/worksheets/sheet1.xml")) > 2 * xlsx_guard.CHUNK
    content = with_cells_replaced(plain, {"B29000": b'<c r="B29000" t=\'e\'><v>%s</v></c>' % error.encode()})
    assert xlsx_inspect(io.BytesIO(content), limits=TableLimits()).has_errors
    rows = list(iter_raw_rows(content, "a.xlsx"))
    assert rows[28999][1] == error and rows[28998][1] == "28998"


def test_a_file_holding_a_refused_error_value_still_passes_the_guard_first():
    content = with_cells_replaced(_table_with_dates(), {"B2": b'<c r="B2" t="e"><v>#GETTING_DATA</v></c>'})
    with pytest.raises(TableFileError, match="giới hạn 3 dòng"):
        list(iter_raw_rows(content, "a.xlsx", limits=TableLimits(rows=3)))


def test_the_copy_without_refused_error_values_stays_within_the_decompressed_size_limit():
    # Values shorter than #N/A grow when replaced: a limit the file meets exactly refuses the copy.
    cells = b"".join(b'<row r="%d"><c r="A%d" t="e"><v>#X</v></c></row>' % (row, row) for row in range(1, 200))
    content = hostile_files._zip(hostile_files._skeleton(), hostile_files.SHEET_HEAD + cells + hostile_files.SHEET_TAIL)
    size = xlsx_inspect(io.BytesIO(content), limits=TableLimits()).xml_bytes
    assert len(list(iter_raw_rows(content, "a.xlsx", limits=TableLimits(xml_bytes=size + 1000)))) == 199
    with pytest.raises(TableFileError, match="khi giải nén"):
        list(iter_raw_rows(content, "a.xlsx", limits=TableLimits(xml_bytes=size)))
    with zipfile.ZipFile(xlsx_guard.xlsx_with_known_errors(io.BytesIO(content), "xl/worksheets/sheet1.xml",
                                                           limits=TableLimits())) as copy:
        assert set(copy.namelist()) <= {*xlsx_guard.READER_PARTS, "xl/worksheets/sheet1.xml"}


def test_a_broken_sheet_without_error_cells_is_refused_as_broken_without_a_copy(monkeypatch):
    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("copy")

    monkeypatch.setattr(xlsx_guard, "xlsx_with_known_errors", fail)
    sheet = hostile_files.SHEET_HEAD + b'<row r="1"><c r="A1" t="n"><v>abc</v></c></row>' + hostile_files.SHEET_TAIL
    content = hostile_files._zip(hostile_files._skeleton(), sheet)
    with pytest.raises(TableFileError, match="bị hỏng"):
        list(iter_raw_rows(content, "a.xlsx"))


# ---- the guard's cheap check per chunk -----------------------------------------------------------

def _ordered_rows(count: int, *, inserted: bytes = b"", at: int = 0) -> bytes:
    """`count` rows of two cells each, `inserted` placed inside row `at` (a cell out of order)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c>%s</row>'
                    % (row, row, row, row, inserted if row == at else b"") for row in range(1, count + 1))
    return hostile_files._zip(hostile_files._skeleton(), hostile_files.SHEET_HEAD + body + hostile_files.SHEET_TAIL)


@pytest.mark.parametrize("inserted, rows, columns", [
    (b"", 900, 2),
    (b'<c r="A5000"><v>1</v></c>', 5000, 2),  # far below, in a later chunk
    (b'<c r="A0950"><v>1</v></c>', 950, 2),  # a reference with a leading zero
    (b'<c r="Z300"><v>1</v></c>', 900, 26),  # a column beyond the known ones
    (b'<c r="AB300"><v>1</v></c>', 900, 28),
    (b'<c><v>1</v></c>', 900, 3),  # a cell without a reference: the next column
    (b'<c s="1" r="C300"><v>1</v></c>', 900, 3),  # another attribute first
    (b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="A7000"><x:v>1</x:v></x:c>', 7000, 2),
])
def test_a_cell_out_of_order_in_a_later_chunk_counts_as_the_reader_places_it(monkeypatch, inserted, rows, columns):
    monkeypatch.setattr(xlsx_guard, "CHUNK", 2048)  # many chunks; the cell is far from the first
    content = _ordered_rows(900, inserted=inserted, at=300)
    facts = xlsx_inspect(io.BytesIO(content), limits=TableLimits())
    assert (facts.rows, facts.columns) == (rows, columns)
    # python-calamine places it the same way
    from python_calamine import CalamineWorkbook
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    assert (sheet.height, sheet.width) == (rows, columns)


def test_a_far_cell_in_a_later_chunk_is_refused_by_the_limit(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "CHUNK", 2048)
    content = _ordered_rows(900, inserted=b'<c r="A1048576"><v>1</v></c>', at=600)
    with pytest.raises(TableFileError, match="tới dòng 1.048.576, vượt quá giới hạn 1.000 dòng"):
        xlsx_inspect(io.BytesIO(content), limits=TableLimits(rows=1000))


def test_rows_near_the_limit_are_counted_exactly(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "CHUNK", 2048)
    content = _ordered_rows(900)  # the round bound (909) is past the limit, the rows are not
    assert xlsx_inspect(io.BytesIO(content), limits=TableLimits(rows=900)).rows == 900
    with pytest.raises(TableFileError, match="tới dòng 900, vượt quá giới hạn 899 dòng"):
        xlsx_inspect(io.BytesIO(content), limits=TableLimits(rows=899))


def test_the_round_bound_keeps_two_digits():
    from core.formats.xlsx_guard import rows_bound

    assert [rows_bound(rows) for rows in (7, 42, 100, 54321, 100001, 999)] == [7, 42, 109, 54999, 109999, 999]


# ---- messages in the active language ---------------------------------------------------------------

def test_refusals_speak_the_language_active_when_raised():
    """Messages are English msgids translated when raised, the module constants included (lazy)."""
    from django.utils import translation

    cases = [
        (b"PK\x03\x04" + b"\x00" * 40, "a.xlsx", "Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx.",
         "The Excel file is damaged or not in the .xlsx format."),
        ("Số hồ sơ\r\n".encode(), "a.csv", "Dòng tiêu đề thiếu cột bắt buộc: «Họ tên», «Đơn vị». "
         "Hãy dùng tệp mẫu tải về từ trang này.",
         "The header row lacks required columns: «Họ tên», «Đơn vị». Use the template downloaded from this page."),
    ]
    columns = [Column("number", ["Số hồ sơ"]), Column("name", ["Họ tên"]), Column("unit", ["Đơn vị"])]
    for content, name, vietnamese, english in cases:
        for language, expected in (("vi", vietnamese), ("en", english), ("vi", vietnamese)):
            with translation.override(language), pytest.raises(TableFileError) as caught:
                list(iter_table(content, name, columns))
            assert caught.value.message == expected
            assert type(caught.value.message) is str
