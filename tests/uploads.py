"""Small real files for upload tests, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _ooxml(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<document/>")
    return buffer.getvalue()


def pdf(name="letter.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="plan.docx"):
    return SimpleUploadedFile(name, _ooxml("word/document.xml"), content_type="application/msword")


def xlsx(name="timeline.xlsx"):
    return SimpleUploadedFile(
        name, _ooxml("xl/workbook.xml"), content_type="application/vnd.ms-excel"
    )


def disguised(name="letter.pdf"):
    """HTML with a PDF name, a PDF content type and a PDF marker inside."""
    return SimpleUploadedFile(
        name, b"<html><script>alert(1)</script>%PDF-1.4</html>", content_type="application/pdf"
    )


def oversized(name="big.pdf", megabytes=11):
    return SimpleUploadedFile(
        name, PDF_BYTES + b"0" * (megabytes * 1024 * 1024), content_type="application/pdf"
    )
