"""Rich text typed by applicants and coordinators is cleaned to a small allow-list before it
is stored or shown. Staff-edited Wagtail rich text is Wagtail's own and not routed here."""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(value: str) -> str:
    """Keep only simple formatting and safe links; drop scripts, styles, images, event
    handlers and any URL scheme but http, https and mailto."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
