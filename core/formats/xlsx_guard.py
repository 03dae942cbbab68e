"""The streaming guard every .xlsx passes before a reader sees it.

A fast reader (python-calamine) builds the whole grid of the sheet in memory, sized by the furthest
cell: a 10 KB file with one value at XFD1048576 asks for hundreds of gigabytes. So before any reader
runs, `xlsx_inspect` looks at the zip directory and makes one streaming pass over the first sheet's
XML (bounded chunks, no DOM, no tree) and refuses — with a Vietnamese message — a file whose
decompressed size, real row count, real column count or cell area (from the cell references
themselves; the declared `<dimension>` is not trusted) exceeds the import's limits, as well as
password-protected, macro-enabled and old .xls files and anything else renamed .xlsx.

Pure functions, no ORM; messages go through Django's gettext (English msgids, Vietnamese in the
root `locale/vi`).
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats.limits import TableLimits

CHUNK = 1 << 20
# Messages translated when raised (`TableFileError` keeps the text in the language then active).
XLSX_BROKEN = gettext_lazy("The Excel file is damaged or not in the .xlsx format.")
ENCRYPTED = gettext_lazy("The Excel file is password-protected. Open it, remove the password (File › Info › "
                         "Protect Workbook) and upload it again.")
MACROS = gettext_lazy("The Excel file contains macros (.xlsm), which the program does not accept. Save it again "
                      "as «Excel Workbook (.xlsx)» and upload it again.")
OLD_XLS = gettext_lazy("The file is an old Excel workbook (.xls). Open it in Excel and save it again as .xlsx.")
NO_SHEET = gettext_lazy("The Excel file has no worksheet.")
# An encrypted .xlsx is an OLE compound file holding a stream of this name (UTF-16).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Every cell of the common writers (Excel, LibreOffice, openpyxl) opens as `<c r="A1"`. A cell that
# does not (no reference, another attribute first, single quotes) sends the chunk to the exact scan.
ODD_CELL = re.compile(rb'<c(?:>|\s(?!r="))')
NAMESPACED = re.compile(rb":(?:c|row)[\s>/]")
CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,9})"')
TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?:\s([^>]*?))?(/?)>")
REF = re.compile(rb'\br=["\']([A-Z]{0,3})(\d{0,9})["\']')
ERROR_TYPE, ERROR_TYPE_QUOTED = b't="e"', b"t='e'"
ERROR_ATTRIBUTE = re.compile(rb"""(?:^|\s)t=["']e["']""")
VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)</")
CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")
SHEET_ENTRY = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?sheet\s[^>]*?\b(?:[A-Za-z_][\w.-]*:)?id=["\']([^"\']+)["\']')
RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
ATTRIBUTE = re.compile(rb'\b(Id|Target|Type)=["\']([^"\']*)["\']')
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The parts a reader parses besides the first sheet (python-calamine looks for the package's own
# relationships to know the file is a workbook).
READER_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/sharedStrings.xml")
# The error values python-calamine knows (it reads such a cell as empty). It refuses the whole sheet
# when one cell holds any other, such as the newer #GETTING_DATA, #SPILL! or #CALC!.
READER_ERRORS = frozenset({b"#N/A", b"#VALUE!", b"#DIV/0!", b"#REF!", b"#NAME?", b"#NUM!", b"#NULL!"})
READER_ERROR = b"#N/A"


def _greater_number(limit: int) -> str:
    """A pattern for decimal numbers (leading zeros allowed) greater than `limit`."""
    text = str(limit)
    size = len(text)
    options = [rf"[1-9]\d{{{size},}}"]
    for index, char in enumerate(text):
        if char != "9":
            options.append(re.escape(text[:index]) + f"[{int(char) + 1}-9]" + rf"\d{{{size - index - 1}}}")
    return "0*(?:" + "|".join(options) + ")"


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def _greater_column(limit: int) -> str:
    """A pattern for column letters (1 to 3 of them) after column number `limit`."""
    if limit <= 0:
        return "[A-Z]{1,3}"
    text = column_letters(limit)
    size = len(text)
    options = [f"[A-Z]{{{size + 1},3}}"] if size < 3 else []
    for index, char in enumerate(text):
        if char != "Z":
            options.append(text[:index] + f"[{LETTERS[LETTERS.index(char) + 1]}-Z]" + f"[A-Z]{{{size - index - 1}}}")
    return "(?:" + "|".join(options) + ")" if options else "(?!)"


def rows_bound(rows: int) -> int:
    """A round number at or above `rows` (its first two digits kept, the rest 9s): the bound a chunk's
    cells are checked against, so the check needs only two digit comparisons per cell."""
    text = str(rows)
    return rows if len(text) <= 2 else int(text[:2] + "9" * (len(text) - 2))


def _rows_beyond(bound: int) -> str:
    """A pattern for row numbers (no leading zero) greater than `bound`, which `rows_bound` made."""
    text = str(bound)
    size = len(text)
    if size <= 2:
        return _greater_number(bound) + '"'
    options = [rf"\d{{{size + 1},}}"]
    if text[0] != "9":
        options.append(f"[{int(text[0]) + 1}-9]" + rf"\d{{{size - 1}}}")
    if text[1] != "9":
        options.append(text[0] + f"[{int(text[1]) + 1}-9]" + rf"\d{{{size - 2}}}")
    return "(?:" + "|".join(options) + ')"'


def _at_most(number: int) -> str:
    """A pattern for decimal numbers from 1 to `number` written without a leading zero (trailing 9s
    of `number` cost nothing: 54999 is "up to 54 then any three digits")."""
    text = str(number)
    kept = text.rstrip("9") or text[:1]
    tail = len(text) - len(kept)
    options = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for index, char in enumerate(kept):
        low = 1 if index == 0 else 0
        if int(char) > low:
            options.append(kept[:index] + f"[{low}-{int(char) - 1}]" + rf"\d{{{len(text) - index - 1}}}")
    options.append(kept + rf"\d{{{tail}}}")
    return "(?:" + "|".join(options) + ")"


@functools.lru_cache(maxsize=64)
def _past(bound: int, columns: int) -> re.Pattern[bytes]:
    """A cell `<c r="…"` past `bound` rows (`rows_bound`) or `columns` columns, or a cell written
    otherwise (the common writers write every cell `<c r="A1"`).

    Written as "a `<c` tag not followed by a reference within the bounds": the regex engine checks a
    cell within them with one run of a few steps. A reference with a leading zero counts as past."""
    if bound >= 1 and 0 < columns < 26:
        inside = rb' r="[A-' + LETTERS[columns - 1].encode() + rb"]" + _at_most(bound).encode() + rb'"'
        return re.compile(rb"<c(?!" + inside + rb")[\s>]")
    column_past = _greater_column(columns) + r"\d"
    return re.compile(rb'<c(?:>|\s(?!r=")|\sr="(?:' + column_past.encode() + rb"|[A-Z]{1,3}(?:0|"
                      + _rows_beyond(bound).encode() + rb")))")


@dataclass(frozen=True)
class SheetFacts:
    """What the guard found: the first sheet's part, its real extent and the parts' decompressed size."""

    part: str
    rows: int
    columns: int
    xml_bytes: int
    has_errors: bool = False  # some cell holds an Excel error (#N/A, #VALUE!…): see `iter_error_cells`

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _number(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def too_many_rows(rows: int, limits: TableLimits) -> str:
    return _("The worksheet has data down to row %(rows)s, beyond the limit of %(limit)s rows of one import. "
             "Split the file into several smaller files, or delete the empty rows at the end of the worksheet."
             ) % {"rows": _number(rows), "limit": _number(limits.rows)}


def too_many_columns(columns: int, limits: TableLimits) -> str:
    return _("The worksheet has data up to column %(columns)s, beyond the limit of %(limit)s columns. Delete the "
             "extra columns on the right of the table.") % {
        "columns": _number(columns), "limit": _number(limits.columns)}


def too_many_cells(rows: int, columns: int, limits: TableLimits) -> str:
    return _("The data area of the worksheet (%(rows)s rows × %(columns)s columns) is beyond the limit of %(limit)s "
             "cells of one import. Delete the stray cells far from the table or split the file.") % {
        "rows": _number(rows), "columns": _number(columns), "limit": _number(limits.cells)}


def too_big(limits: TableLimits) -> str:
    return _("The content of the Excel file, once unzipped, is beyond the limit of %(megabytes)s MB of one import. "
             "Split the file into several smaller files.") % {"megabytes": _number(limits.xml_bytes // (1024 * 1024))}


def refuse_ole(head: bytes, source: BinaryIO) -> str:
    """The message for an OLE compound file: a password-protected .xlsx or an old .xls."""
    source.seek(0)
    carry = b""
    while block := source.read(CHUNK):
        if ENCRYPTED_STREAM in carry + block:
            return ENCRYPTED
        carry = block[-len(ENCRYPTED_STREAM):]
    return OLD_XLS


class _Refused(Exception):
    pass


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The path of the first worksheet in the workbook's order (chart sheets are not worksheets)."""
    try:
        workbook = _read_small(archive, "xl/workbook.xml")
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels")
    except KeyError as exc:
        raise _Refused(XLSX_BROKEN) from exc
    targets = {}
    for match in RELATIONSHIP.finditer(rels):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Type", b"").endswith(b"/worksheet") and b"Id" in attributes:
            targets[attributes[b"Id"]] = attributes.get(b"Target", b"").decode("utf-8", "replace")
    for match in SHEET_ENTRY.finditer(workbook):
        target = targets.get(match.group(1))
        if target is None:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        return part
    raise _Refused(NO_SHEET)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 8 << 20) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise _Refused(XLSX_BROKEN)
    with archive.open(info) as handle:
        return handle.read(limit + 1)[:limit]


def _scan_slow(data: bytes, state: list[int]) -> None:
    """Positions of cells and rows written without references (allowed by the format): count them.
    state = [current row, current column, max row, max column]."""
    for match in TAG.finditer(data):
        name, attributes, closed = match.group(1), match.group(2) or b"", match.group(3)
        ref = REF.search(attributes)
        if name == b"row":
            state[0] = int(ref.group(2)) if ref and ref.group(2) else state[0] + 1
            state[1] = 0
            continue
        if ref and ref.group(1):
            state[1] = column_number(ref.group(1))
            if ref.group(2):
                state[0] = int(ref.group(2))
        else:
            state[1] += 1
        if not closed:
            state[2] = max(state[2], state[0])
            state[3] = max(state[3], state[1])


def _cells_in(part: bytes) -> int:
    return part.count(b"<c>") + part.count(b"<c ") + part.count(b"<c/")


def _scan_unreferenced(data: bytes, state: list[int]) -> None:
    """A chunk without any reference (some generators write none): rows counted in bulk, cells
    counted only in the distinct rows long enough to be wider than the widest seen (a cell takes at
    least 3 bytes); every `<c>` counts, even an empty one (an upper bound of what a reader places)."""
    parts = data.split(b"<row")
    first = state[1] + _cells_in(parts[0])
    rows = parts[1:]
    state[0] += len(rows)
    shortest = 3 * max(state[3], first)
    wide = max((_cells_in(part) for part in set(rows) if len(part) > shortest), default=0)
    state[1] = _cells_in(rows[-1]) if rows else first
    state[2] = max(state[2], state[0])
    state[3] = max(state[3], first, wide)


def _scan_exact(data: bytes, state: list[int]) -> None:
    """The extent of the cells in one chunk, cell by cell (the first chunk, and any chunk whose cells
    are out of order or written unusually)."""
    if b":c " in data or b":row" in data:
        _scan_slow(data, state)
        return
    if ODD_CELL.search(data):
        if b" r=" in data or b"\tr=" in data or b"\nr=" in data:
            _scan_slow(data, state)
        else:
            _scan_unreferenced(data, state)
        return
    refs = CELL_REF.findall(data)
    if refs:
        state[2] = max(state[2], max(map(int, {number for _, number in refs})))
        state[3] = max(state[3], max(map(column_number, {letters for letters, _ in refs})))
        state[0], state[1] = int(refs[-1][1]), column_number(refs[-1][0])


def _scan_sheet(archive: zipfile.ZipFile, part: str, limits: TableLimits,
                budget: int) -> tuple[int, int, int, bool]:
    """(max row, max column, decompressed bytes, whether a cell holds an Excel error) of the cells
    that hold something, in one streaming pass; refuses as soon as a limit is passed.

    Cells come in order in real files, so a chunk is checked with one search for a cell beyond the
    extent known so far (the rows up to the chunk's last cell): a hit, or an unusual cell, makes the
    chunk be scanned cell by cell.
    """
    state = [0, 0, 0, 0]  # current row, current column, max row, max column
    size = 0
    has_errors = False
    carry = b""
    with archive.open(part) as handle:
        # The checksum is left to the reader, which reads the part in full anyway: zipfile's running
        # CRC-32 is about a third of the cost of inflating, and nothing here depends on it.
        if hasattr(handle, "_expected_crc"):
            handle._expected_crc = None
        while True:
            block = handle.read(CHUNK)
            size += len(block)
            if size > budget:
                raise _Refused(too_big(limits))
            data = carry + block
            if block:
                cut = data.rfind(b"<")
                data, carry = (data[:cut], data[cut:]) if cut >= 0 else (b"", b"")
                if len(carry) > CHUNK:  # one tag longer than a chunk: not a spreadsheet
                    raise _Refused(XLSX_BROKEN)
            else:
                carry = b""
            if not has_errors:  # an Excel error, its type in double or (as XML allows) single quotes;
                # the common writers use no single quote in markup: one byte search spares the second.
                has_errors = ERROR_TYPE in data or (b"'" in data and ERROR_TYPE_QUOTED in data)
            last = data.rfind(b'<c r="')
            match = CELL_REF.match(data, last) if last >= 0 else None
            rows = max(state[2], int(match.group(2))) if match else state[2]
            bound = rows_bound(rows)
            # The cheap check: every cell of the chunk within `bound` rows and the known columns and
            # written as the common writers write cells (one search), no namespace prefix (another).
            # Should `bound` be past a limit that `rows` is not, the chunk is scanned exactly instead.
            if state[3] == 0 or bound > limits.rows or bound * state[3] > limits.cells \
                    or _past(bound, state[3]).search(data) or NAMESPACED.search(data):
                _scan_exact(data, state)
            elif match:
                state[0], state[1], state[2] = int(match.group(2)), column_number(match.group(1)), rows
            if state[2] > limits.rows:
                raise _Refused(too_many_rows(state[2], limits))
            if state[3] > limits.columns:
                raise _Refused(too_many_columns(state[3], limits))
            if state[2] * state[3] > limits.cells:
                raise _Refused(too_many_cells(state[2], state[3], limits))
            if not block:
                break
    return state[2], state[3], size, has_errors


def xlsx_inspect(source: BinaryIO, *, limits: TableLimits) -> SheetFacts:
    """Check an .xlsx (a seekable binary file) against `limits` before any reader parses it.

    Reads the zip directory and the parts a reader parses (workbook, relationships, styles, shared
    strings: their size only; the first worksheet: a streaming pass over its cell references, a
    formatting-only cell counted like the others, an upper bound of what a reader places). Returns the facts; raises `core.formats.tabular.TableFileError` with a Vietnamese message
    naming the limit for a file that is too large, and for password-protected, macro-enabled, old
    .xls or broken files. Memory stays bounded by a few chunks whatever the file claims.
    """
    from core.formats.tabular import TableFileError

    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableFileError(refuse_ole(head, source))
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _Refused(XLSX_BROKEN) from exc
        with archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise _Refused(ENCRYPTED)
            if "xl/vbaProject.bin" in names or any(name.lower().endswith(".bin") and "vba" in name.lower()
                                                   for name in names):
                raise _Refused(MACROS)
            if "[Content_Types].xml" in names and b"macroEnabled" in _read_small(archive, "[Content_Types].xml"):
                raise _Refused(MACROS)
            if "xl/workbook.xml" not in names:
                raise _Refused(XLSX_BROKEN)
            part = _first_sheet_part(archive)
            if part not in names:
                raise _Refused(XLSX_BROKEN)
            # What the reader parses besides the sheet: its declared size is what zipfile (and the
            # reader) will inflate at most, so it is checked without inflating it.
            others = sum(info.file_size for info in infos if info.filename in READER_PARTS)
            sheet_size = archive.getinfo(part).file_size
            if others + sheet_size > limits.xml_bytes:
                raise _Refused(too_big(limits))
            rows, columns, size, has_errors = _scan_sheet(archive, part, limits, limits.xml_bytes - others)
    except _Refused as refusal:
        raise TableFileError(str(refusal)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError,
            NotImplementedError) as exc:  # a corrupt stream, a CRC mismatch, an unknown compression
        raise TableFileError(XLSX_BROKEN) from exc
    finally:
        source.seek(0)
    return SheetFacts(part=part, rows=rows, columns=columns, xml_bytes=others + size, has_errors=has_errors)


def _last_open_tag(data: bytes) -> int:
    """Where the last `<row` or `<c` opening tag starts (namespaced or not); -1 when none does."""
    cut = max(data.rfind(b"<c "), data.rfind(b"<c>"), data.rfind(b"<c/"), data.rfind(b"<row"))
    named = max(data.rfind(b":c "), data.rfind(b":c>"), data.rfind(b":row"))
    if named > cut:
        start = data.rfind(b"<", 0, named)
        cut = max(cut, start)
    return cut


def _whole_tag_chunks(handle: BinaryIO) -> Iterator[bytes]:
    """The sheet XML read CHUNK bytes at a time, each piece cut before its last unfinished tag (carried
    into the next piece), so no tag is split between two; the last piece holds the rest."""
    carry = b""
    while True:
        block = handle.read(CHUNK)
        data = carry + block
        if block:
            cut = _last_open_tag(data)
            data, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
        yield data
        if not block:
            return


def iter_error_cells(source: BinaryIO, part: str) -> Iterator[tuple[int, int, str]]:
    """(row, column, error text) of every cell of the sheet part `part` that holds an Excel error
    (`t="e"`: #N/A, #VALUE!, #DIV/0!, #REF!, #NAME?, #NUM!, #NULL!…), numbered from 1, in the
    sheet's order, read in one streaming pass (memory bounded by a chunk and one row).

    python-calamine reads such a cell as empty; openpyxl, which the imports used before, read the
    error text, and the importers name it. Only called for a file that passed `xlsx_inspect`.
    """
    source.seek(0)
    with zipfile.ZipFile(source) as archive, archive.open(part) as handle:
        row = column = 0
        for data in _whole_tag_chunks(handle):
            for match in TAG.finditer(data):
                name, attributes, closed = match.group(1), match.group(2) or b"", match.group(3)
                ref = REF.search(attributes)
                if name == b"row":
                    row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                    column = 0
                    continue
                if ref and ref.group(1):
                    column = column_number(ref.group(1))
                    if ref.group(2):
                        row = int(ref.group(2))
                else:
                    column += 1
                if closed or not ERROR_ATTRIBUTE.search(attributes):
                    continue
                value = VALUE.search(data, match.end())
                if value is not None and not CELL_END.search(data, match.end(), value.start()):
                    yield row, column, html.unescape(value.group(1).decode("utf-8", "replace")).strip()


def _known_errors_only(data: bytes) -> tuple[bytes, int]:
    """`data` (whole cells) with the value of each error cell python-calamine does not know replaced by
    one it knows, and how many were replaced. The value is looked for only between the cell's tag and
    the next tag, so the work stays linear whatever the cells hold."""
    if ERROR_TYPE not in data and ERROR_TYPE_QUOTED not in data:
        return data, 0
    pieces, start, count = [], 0, 0
    tags = list(TAG.finditer(data))
    for position, match in enumerate(tags):
        if match.group(1) != b"c" or match.group(3) or not ERROR_ATTRIBUTE.search(match.group(2) or b""):
            continue
        end = tags[position + 1].start() if position + 1 < len(tags) else len(data)
        value = VALUE.search(data, match.end(), end)
        if value is None or value.group(1) in READER_ERRORS or CELL_END.search(data, match.end(), value.start()):
            continue
        pieces += [data[start:value.start(1)], READER_ERROR]
        start = value.end(1)
        count += 1
    pieces.append(data[start:])
    return b"".join(pieces), count


def xlsx_with_known_errors(source: BinaryIO, part: str, *, limits: TableLimits) -> BinaryIO | None:
    """A copy of the workbook in which every error cell of the sheet part `part` whose value
    python-calamine does not know (#GETTING_DATA, #SPILL!, #CALC!…) holds #N/A instead, read from a
    temporary file; None when no cell needed it. The cell keeps its place, type and formula, so the
    reader sees what it sees of a known error (an empty cell), and `iter_error_cells` reads the real
    text from the original.

    The copy holds only the parts a reader parses (`READER_PARTS` and the sheet), streamed chunk by
    chunk; their size stays within `limits.xml_bytes` (a replaced value grows only when it is shorter
    than #N/A, which no Excel error is). Only called for a file that passed `xlsx_inspect`.
    """
    from core.formats.tabular import TableFileError

    source.seek(0)
    copy = tempfile.SpooledTemporaryFile(max_size=16 * CHUNK)
    replaced = size = 0
    try:
        with zipfile.ZipFile(source) as archive, \
                zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as patched:
            names = set(archive.namelist())
            for name in READER_PARTS:
                if name in names:
                    with archive.open(name) as handle, patched.open(name, "w") as target:
                        shutil.copyfileobj(handle, target, CHUNK)
                    size += archive.getinfo(name).file_size
            with archive.open(part) as handle, patched.open(part, "w", force_zip64=True) as target:
                for data in _whole_tag_chunks(handle):
                    data, count = _known_errors_only(data)
                    replaced += count
                    size += len(data)
                    if size > limits.xml_bytes:
                        raise TableFileError(too_big(limits))
                    target.write(data)
    except BaseException:
        copy.close()
        raise
    finally:
        source.seek(0)
    if not replaced:
        copy.close()
        return None
    copy.seek(0)
    return copy
