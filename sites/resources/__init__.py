"""django-import-export resources for a site's roster and attempt results.

Each resource is built for one site. Everything a row is checked against (the site's
participants, its attempts, the district directory, the micro-credentials) is loaded once
per file, so checking 10,000 rows costs a handful of queries rather than several per row,
and new rows are written with ``bulk_create``. The rules are the services' rules
(sites.services.attempts.attempt_rule_errors); the resources only apply them to a file."""

from .attempts import AttemptResource
from .base import ATTEMPT_COLUMNS, ROSTER_COLUMNS, SiteImportResource
from .roster import ParticipantResource

RESOURCES = {"roster": ParticipantResource, "attempts": AttemptResource}

__all__ = [
    "ATTEMPT_COLUMNS",
    "RESOURCES",
    "ROSTER_COLUMNS",
    "AttemptResource",
    "ParticipantResource",
    "SiteImportResource",
]
