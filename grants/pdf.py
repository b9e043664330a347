"""The one way this project makes PDFs.

The renderer may read only the project's own static files and inline ``data:`` URLs.
Anything else a document names, such as a ``file://`` path or a web address typed into a
narrative, is refused without a request being made."""

import base64
import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Relative URLs in PDF templates resolve against this made-up origin, which no network
# lookup can reach; the fetcher maps it onto static files.
PDF_BASE_URL = "https://pdf.invalid/"


def _fetcher_class():
    # weasyprint takes about 0.4 s to import: pay it only when a PDF is made.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                header, _, payload = url.partition(",")
                mime = header[5:].split(";")[0] or "text/plain"
                body = (
                    base64.b64decode(payload)
                    if header.endswith(";base64")
                    else unquote(payload).encode()
                )
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            parts = urlsplit(url)
            base = urlsplit(PDF_BASE_URL)
            static_prefix = settings.STATIC_URL
            if (
                parts.scheme == base.scheme
                and parts.netloc == base.netloc
                and parts.path.startswith(static_prefix)
            ):
                relative = unquote(parts.path[len(static_prefix) :])
                path = finders.find(relative) if ".." not in relative.split("/") else None
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
            logger.warning("PDF renderer refused to fetch %s", url[:200])
            raise ValueError("This PDF may only use the project's own static files.")

    return StaticOnlyFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes. Template variables are autoescaped, so text a
    user typed cannot add markup, images or links to the document."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    fetcher = _fetcher_class()(allowed_protocols={"https", "data"})
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
