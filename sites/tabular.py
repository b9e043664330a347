"""Reading an uploaded CSV or XLSX file into rows, the same way for the web flow, the
management commands and the background task.

CSV bytes are decoded as UTF-8 (with or without a byte-order mark) and, failing that, as
Windows-1252, the two encodings spreadsheet programs write; anything else is refused
rather than guessed. XLSX cells keep their types: whole numbers typed into a text column
(a certificate number such as 4512) come back as "4512", never "4512.0", and date cells
as dates. Blank rows are skipped but the remaining rows keep their spreadsheet numbers."""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

import filetype
from django.core.exceptions import ValidationError

from grants.files import XLSX, sniff_kind

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000


@dataclass
class Table:
    """A file's header and data rows. ``line_numbers[i]`` is the spreadsheet row number
    (the header is row 1) of ``rows[i]``."""

    headers: list[str]
    rows: list[list] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    file_format: str = "csv"


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a leading byte-order mark is dropped) or
    Windows-1252. Bytes that are neither, or a binary file, are refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise ValidationError(
            "This file could not be read as text. Save it as CSV (UTF-8) or as an Excel "
            "workbook (.xlsx) and upload it again."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"This file is not in a text encoding we can read (byte {error.start + 1} is not "
            "UTF-8 or Windows-1252). Save it as CSV (UTF-8) and upload it again."
        ) from error


def _cell_text(value):
    """An XLSX cell as import code expects it: text stays text, whole-number floats lose
    their ".0", dates and times become dates, empty cells become ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _is_blank(row) -> bool:
    return all((cell is None or str(cell).strip() == "") for cell in row)


def _too_many(count: int) -> ValidationError:
    return ValidationError(
        f"The file has more than {MAX_IMPORT_ROWS:,} rows; split it into files of at most "
        f"{MAX_IMPORT_ROWS:,} rows."
    )


def _collect(raw_rows, file_format: str) -> Table:
    table = None
    for number, raw in enumerate(raw_rows, start=1):
        if _is_blank(raw):
            continue
        if table is None:
            headers = [str(cell or "").strip().lower() for cell in raw]
            while headers and not headers[-1]:
                headers.pop()
            table = Table(headers=headers, file_format=file_format)
            continue
        if len(table.rows) >= MAX_IMPORT_ROWS:
            raise _too_many(len(table.rows))
        cells = list(raw[: len(table.headers)])
        cells += [""] * (len(table.headers) - len(cells))
        table.rows.append(cells)
        table.line_numbers.append(number)
    if table is None or not table.headers:
        raise ValidationError("The file is empty: it has no header row.")
    return table


def read_table(fileobj, *, size: int | None = None) -> Table:
    """Read an uploaded file (CSV or XLSX, judged by its content) into a Table, enforcing
    the 5 MB and 20,000-row limits."""
    fileobj.seek(0)
    data = fileobj.read()
    size = len(data) if size is None else size
    if size == 0:
        raise ValidationError("The file is empty.")
    if size > MAX_IMPORT_BYTES:
        raise ValidationError(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB."
        )
    buffer = io.BytesIO(data)
    if data.startswith(b"PK"):
        if sniff_kind(buffer) != XLSX:
            raise ValidationError("This file is not a CSV file or an Excel workbook (.xlsx).")
        return _read_xlsx(buffer)
    if filetype.guess(data[:8192]) is not None:
        # A PDF, an image, an archive…: recognizable binary content is not a CSV file.
        raise ValidationError("This file is not a CSV file or an Excel workbook (.xlsx).")
    text = decode_text(data)
    return _collect(csv.reader(io.StringIO(text, newline="")), "csv")


def _read_xlsx(buffer) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError("This Excel workbook could not be opened.") from error
    try:
        sheet = workbook.worksheets[0]
        return _collect(
            ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)), "xlsx"
        )
    finally:
        workbook.close()
