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


def upload(site, kind, file, actor):
    from sites.services.imports import import_upload

    return import_upload(site=site, kind=kind, upload=file, actor=actor)


def import_now(site, kind, file, actor):
    """Upload and confirm a file that must pass its checks."""
    from sites.services.imports import import_confirm

    batch = upload(site, kind, file, actor)
    assert batch.status == "previewed", batch.errors
    return import_confirm(batch=batch, actor=actor)


def messages_of(batch) -> list[str]:
    from sites.services.imports import error_text

    return [error_text(e) for e in batch.errors]


def other_site(staff, *, areas=("ECS",)):
    """A second awarded site with its own coordinator."""
    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.services.sites import coordinator_add, site_create_from_award
    from tests import factories

    organization = factories.OrganizationFactory()
    member = factories.add_member(organization)
    application = factories.make_application(organization=organization, areas=areas)
    application = application_submit(application=application, actor=member)
    award = award_create(application=application, actor=staff, reason="Fund.")
    site = site_create_from_award(award=award, actor=staff)
    user = factories.UserFactory()
    coordinator_add(site=site, user=user, actor=staff)
    return site, user
