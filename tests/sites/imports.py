"""Roster and attempt files for import tests, built in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

ROSTER_HEADER = "first_name,last_name,email,role,district,school,certificate_number"
ATTEMPT_HEADER = "email,micro_credential,attempt,submitted_on,result"


def csv_file(lines, name="roster.csv", encoding="utf-8", bom=False):
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def roster_csv(*rows, **kwargs):
    return csv_file([ROSTER_HEADER, *rows], **kwargs)


def attempts_csv(*rows, **kwargs):
    kwargs.setdefault("name", "attempts.csv")
    return csv_file([ATTEMPT_HEADER, *rows], **kwargs)


def xlsx_file(rows, name="roster.xlsx", blank_tail=3):
    """An XLSX workbook with ``rows`` (the first is the header), then blank rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for index in range(blank_tail):
        # Formatted but empty rows, as spreadsheets leave after deleted data.
        sheet.cell(row=len(rows) + 1 + index, column=1).value = None
        sheet.cell(row=len(rows) + 1 + index, column=2).value = ""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
