"""Private uploads: content-checked on the way in, served only through permission-checked
views on the way out. Nothing here is reachable by its storage path."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils.translation import gettext as _


def private_storage():
    """The storage for private files. A callable, so migrations record this reference
    rather than a path on the machine that generated them."""
    return storages["private"]


@dataclass(frozen=True)
class FileKind:
    label: str
    extension: str
    content_type: str


PDF = FileKind("PDF", "pdf", "application/pdf")
DOCX = FileKind(
    "Word (DOCX)",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "Excel (XLSX)",
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSV = FileKind("CSV", "csv", "text/csv")
DOCUMENT_KINDS = (PDF, DOCX, XLSX)
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


_ZIP_MIMES = {"application/zip", DOCX.content_type, XLSX.content_type}


def _ooxml_kind(upload) -> FileKind | None:
    """Tell DOCX from XLSX by the main part the package holds. filetype only reads the
    first 8 KB, which in a large package may not reach that part's name."""
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff_kind(upload) -> FileKind | None:
    """The file's kind judged by its bytes alone. The name and the browser's claimed
    content type are ignored: both are chosen by whoever uploads."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    kind = None
    if guess and guess.mime == PDF.content_type and head.startswith(b"%PDF-"):
        # filetype accepts a PDF marker near the start; a polyglot such as an HTML or SVG
        # file with "%PDF-" inside it must not pass, so the marker must come first.
        kind = PDF
    elif guess and guess.mime in _ZIP_MIMES:
        kind = _ooxml_kind(upload)
    upload.seek(0)
    return kind


def validate_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES) -> FileKind:
    """Refuse a file that is too large or whose content is not one of ``kinds``."""
    allowed = ", ".join(k.label for k in kinds)
    if upload is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": max_bytes // 1024 // 1024},
            code="too_large",
        )
    kind = sniff_kind(upload)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("This file's content is not an accepted type. Upload one of: %(allowed)s.")
            % {"allowed": allowed},
            code="bad_type",
        )
    return kind


def safe_filename(name: str, kind: FileKind) -> str:
    """A download name with the extension that matches the content."""
    stem = PurePath(name).stem or "file"
    cleaned = "".join(ch if ch.isalnum() or ch in "-_ ." else "_" for ch in stem).strip(" .")
    return f"{cleaned[:120] or 'file'}.{kind.extension}"


def private_file_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Serve a private file as a download. Callers check permission first."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
