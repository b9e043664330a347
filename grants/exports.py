"""Spreadsheet exports that are safe to open: a text cell that a spreadsheet would read
as a formula is prefixed with an apostrophe. Numbers and dates stay as they are.

django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
"=" and turns every cell into text, so it is left off and this is used instead."""

import datetime

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Neutralize one value for CSV or XLSX output."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_row(row):
    return [escape_cell(value) for value in row]


class FormulaSafeExportMixin:
    """For import-export resources: every exported text cell goes through escape_cell."""

    def export_field(self, field, instance, **kwargs):
        return escape_cell(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return escape_row(super().get_export_headers(selected_fields))


class FormulaSafeSpreadsheetMixin:
    """For Wagtail admin list views with ``list_export``. Wagtail writes text into CSV as
    it is (so "=HYPERLINK(...)" typed into a form reaches the spreadsheet as a formula)
    and only retypes XLSX cells that start with "="; every value goes through escape_cell
    instead. Times are written in Pacific time, as the product shows them, not in UTC."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            local = timezone.make_naive(value)
            return local if export_format == "xlsx" else local.strftime("%Y-%m-%d %H:%M:%S")
        return escape_cell(super().preprocess_field_value(field, value, export_format))

    def get_heading(self, queryset, field):
        return escape_cell(super().get_heading(queryset, field))


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def tabular_bytes(
    *, headers: list[str], rows, file_format: str, sheet_title: str = "Export"
) -> bytes:
    """Write rows to CSV (UTF-8 with a byte-order mark, so Excel reads accents) or XLSX,
    escaping formula-like text. Decimals, integers and dates keep their types in XLSX."""
    import csv
    import io

    if file_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(escape_row(headers))
        for row in rows:
            writer.writerow(escape_row(row))
        return buffer.getvalue().encode("utf-8")
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=sheet_title[:31])
        sheet.append(escape_row(headers))
        for row in rows:
            sheet.append(escape_row(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"Unknown export format {file_format!r}")


def tabular_response(*, filename: str, headers: list[str], rows, file_format: str):
    """An attachment response for ``tabular_bytes``."""
    from django.http import HttpResponse

    response = HttpResponse(
        tabular_bytes(headers=headers, rows=rows, file_format=file_format),
        content_type=CONTENT_TYPES[file_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
