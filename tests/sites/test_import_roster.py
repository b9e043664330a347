"""Roster uploads: preview, confirm, and every rule of the roster file."""

import pytest

from grants.models import AuditEntry
from sites.models import ImportBatch, Participant
from sites.services.imports import import_confirm
from tests.sites.imports import (
    ROSTER_HEADER,
    csv_file,
    import_now,
    messages_of,
    roster_csv,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

JOSE = "José,Núñez,jose.nunez@example.org,teacher,Bellevue School District,Lake Hills,4512"
LAN = "Thị Lan,Nguyễn,lan.nguyen@example.org,administrator,bellevue,Sherwood Forest,7781"


def test_preview_writes_nothing_and_confirm_writes_every_row(site, coordinator):
    batch = upload(site, "roster", roster_csv(JOSE, LAN), coordinator)
    assert batch.status == "previewed"
    assert batch.counts == {"new": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert [r["type"] for r in batch.preview] == ["new", "new"]
    assert not Participant.objects.filter(site=site).exists()

    batch = import_confirm(batch=batch, actor=coordinator)
    assert batch.status == "imported"
    people = {p.email: p for p in Participant.objects.filter(site=site)}
    assert people["jose.nunez@example.org"].first_name == "José"
    assert people["jose.nunez@example.org"].last_name == "Núñez"
    assert people["lan.nguyen@example.org"].full_name == "Thị Lan Nguyễn"
    assert people["lan.nguyen@example.org"].district.name == "Bellevue School District"
    assert people["jose.nunez@example.org"].certificate_number == "4512"
    entry = AuditEntry.objects.get(action="roster.imported")
    assert entry.actor == coordinator and entry.after["new"] == 2


def people(site):
    return list(Participant.objects.filter(site=site).order_by("pk").values())


def test_reimporting_the_same_file_changes_nothing(site, coordinator):
    import_now(site, "roster", roster_csv(JOSE, LAN), coordinator)
    before = people(site)
    batch = import_now(site, "roster", roster_csv(JOSE, LAN), coordinator)
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    assert people(site) == before


def test_matching_is_by_email_whatever_its_case_and_updates_the_person(site, coordinator):
    import_now(site, "roster", roster_csv(JOSE), coordinator)
    moved = "José,Núñez,JOSE.NUNEZ@Example.org,teacher,Selah,Selah High,4512"
    batch = import_now(site, "roster", roster_csv(moved, LAN), coordinator)
    assert batch.counts == {"new": 1, "updated": 1, "unchanged": 0, "error": 0}
    jose = Participant.objects.get(site=site, email__iexact="jose.nunez@example.org")
    assert jose.email == "jose.nunez@example.org"  # kept as first stored
    assert jose.district.name == "Selah School District" and jose.school == "Selah High"
    assert Participant.objects.filter(site=site).count() == 2


def test_errors_name_row_and_column_and_nothing_is_written(site, coordinator):
    batch = upload(
        site,
        "roster",
        roster_csv(
            JOSE,
            "Ann,,ann@example.org,wizard,Atlantis School District,,",
            "Bo,Lee,not-an-email,teacher,Bellevue,,",
        ),
        coordinator,
    )
    assert batch.status == "refused"
    errors = messages_of(batch)
    assert "Row 3, column last_name: This field cannot be blank." in errors
    assert any(e.startswith('Row 3, column role: "wizard" is not a role') for e in errors)
    assert (
        'Row 3, column district: "Atlantis School District" is not in the district directory.'
        in errors
    )
    assert "Row 4, column email: Enter a valid email address." in errors
    assert batch.counts["error"] == 2 and batch.counts["new"] == 1
    with pytest.raises(Exception, match="cannot be imported"):
        import_confirm(batch=batch, actor=coordinator)
    assert not Participant.objects.filter(site=site).exists()


def test_a_repeated_email_is_refused_naming_both_rows(site, coordinator):
    again = "Joe,Nunez,Jose.Nunez@example.org,teacher,Bellevue,,"
    batch = upload(site, "roster", roster_csv(JOSE, LAN, again), coordinator)
    assert batch.status == "refused"
    assert messages_of(batch) == [
        "Row 4, column email: Jose.Nunez@example.org is also on row 2; "
        "each email may appear once in the file."
    ]


def test_missing_columns_are_named(site, coordinator):
    batch = upload(
        site, "roster", csv_file(["first_name,last_name,email", "A,B,a@b.org"]), coordinator
    )
    assert batch.status == "refused"
    assert messages_of(batch)[0].startswith("Row 1, column role: The header row has no role column")
    assert len(batch.errors) == 4


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(site, coordinator, encoding, bom):
    rows = [JOSE] if encoding == "cp1252" else [JOSE, LAN]
    import_now(site, "roster", roster_csv(*rows, encoding=encoding, bom=bom), coordinator)
    assert Participant.objects.get(site=site, email="jose.nunez@example.org").full_name == (
        "José Núñez"
    )
    if encoding != "cp1252":
        assert Participant.objects.filter(site=site, last_name="Nguyễn").exists()


def test_an_undecodable_file_gets_a_clear_error(site, coordinator, unchanged):
    data = (ROSTER_HEADER + "\r\nA,B,a@example.org,teacher,Bellevue,,\x81\x8d\r\n").encode(
        "latin-1"
    )
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with unchanged(), pytest.raises(ValidationError, match="not in a text encoding we can read"):
        upload(site, "roster", SimpleUploadedFile("r.csv", data), coordinator)


def test_xlsx_certificate_numbers_stay_text_and_blank_rows_are_ignored(site, coordinator):
    header = ROSTER_HEADER.split(",")
    rows = [
        header,
        ["José", "Núñez", "jose.nunez@example.org", "teacher", "Bellevue", "Lake Hills", 4512],
        ["Ann", "Lee", "ann.lee@example.org", "teacher", "Selah School District", "", 4512.0],
        ["Bo", "Kim", "bo.kim@example.org", "teacher", "Selah", "", "000123"],
    ]
    batch = import_now(site, "roster", xlsx_file(rows, blank_tail=5), coordinator)
    assert batch.total_rows == 3
    numbers = dict(Participant.objects.filter(site=site).values_list("email", "certificate_number"))
    assert numbers == {
        "jose.nunez@example.org": "4512",
        "ann.lee@example.org": "4512",
        "bo.kim@example.org": "000123",
    }


def test_a_file_over_5_mb_is_refused(site, coordinator, unchanged):
    from django.core.exceptions import ValidationError

    big = roster_csv(*([JOSE] * 1), name="big.csv")
    big.size = 5 * 1024 * 1024 + 1
    with unchanged(), pytest.raises(ValidationError, match="limit is 5 MB"):
        upload(site, "roster", big, coordinator)


def test_a_file_over_20000_rows_is_refused(site, coordinator, unchanged):
    from django.core.exceptions import ValidationError

    rows = [f"A,B,p{n}@example.org,teacher,Bellevue,," for n in range(20_001)]
    with unchanged(), pytest.raises(ValidationError, match="more than 20,000 rows"):
        upload(site, "roster", roster_csv(*rows), coordinator)


def test_a_file_that_is_not_csv_or_xlsx_is_refused(site, coordinator, unchanged):
    from django.core.exceptions import ValidationError

    from tests.uploads import docx, pdf

    for bad in (docx(), pdf()):
        with unchanged(), pytest.raises(ValidationError):
            upload(site, "roster", bad, coordinator)


def test_large_files_are_checked_and_written_by_the_task(
    site, coordinator, django_capture_on_commit_callbacks
):
    rows = [f"P{n},Person,p{n}@example.org,teacher,Bellevue,," for n in range(1_001)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(site, "roster", roster_csv(*rows), coordinator)
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.processed_rows == 1_001
    assert batch.counts["new"] == 1_001 and len(batch.preview) == 500
    assert not Participant.objects.filter(site=site).exists()
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_confirm(batch=batch, actor=coordinator)
    batch.refresh_from_db()
    assert batch.status == "imported"
    assert Participant.objects.filter(site=site).count() == 1_001


def test_a_batch_is_confirmed_once(site, coordinator):
    batch = import_now(site, "roster", roster_csv(JOSE), coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="imported"):
        import_confirm(batch=batch, actor=coordinator)
    assert Participant.objects.filter(site=site).count() == 1


def test_a_roster_that_changed_since_the_preview_is_checked_again(site, coordinator):
    first = upload(site, "roster", roster_csv(JOSE), coordinator)
    second = upload(site, "roster", roster_csv(JOSE), coordinator)
    import_confirm(batch=first, actor=coordinator)
    second = import_confirm(batch=second, actor=coordinator)
    # The second file's row is now unchanged, not a second José.
    assert second.status == "imported" and second.counts["unchanged"] == 1
    assert Participant.objects.filter(site=site).count() == 1
    assert ImportBatch.objects.filter(site=site, status="imported").count() == 2


def test_confirming_through_the_workspace_imports_the_file(client, site, coordinator):
    """The confirm page writes the file (on PostgreSQL it once failed with a 500: the
    batch was locked across a nullable join)."""
    from django.urls import reverse

    from tests.auth import login

    batch = upload(site, "roster", roster_csv(JOSE), coordinator)
    login(client, coordinator)
    url = reverse("workspace_import_confirm", args=[site.slug, batch.public_id])
    assert client.post(url).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported"
    assert Participant.objects.filter(site=site, email="jose.nunez@example.org").exists()
