"""Spreadsheet exports that are safe to open: a text cell that a spreadsheet would read
as a formula is prefixed with an apostrophe. Numbers and dates stay as they are.

django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
"=" and turns every cell into text, so it is left off and this is used instead."""

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
