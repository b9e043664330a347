"""The coordinator's workspace: who sees which site, its figures, the upload flow in the
browser-less client, exports and transcripts."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from sites.models import Attempt, ImportBatch, Participant
from sites.selectors.workspace import site_overview, workspace_sites
from sites.services.attempts import attempt_record
from tests import factories
from tests.auth import login
from tests.sites.imports import attempts_csv, import_now, other_site, roster_csv

pytestmark = pytest.mark.django_db


def site_urls(site, participant, attempt, batch):
    slug = site.slug
    return [
        reverse("workspace_site", args=[slug]),
        reverse("workspace_roster", args=[slug]),
        reverse("workspace_attempts", args=[slug]),
        reverse("workspace_attempt_add", args=[slug]),
        reverse("workspace_attempt_correct", args=[slug, attempt.pk]),
        reverse("workspace_participant", args=[slug, participant.pk]),
        reverse("workspace_transcript_pdf", args=[slug, participant.pk]),
        reverse("workspace_export", args=[slug, "roster", "csv"]),
        reverse("workspace_export", args=[slug, "roster", "xlsx"]),
        reverse("workspace_export", args=[slug, "attempts", "csv"]),
        reverse("workspace_export", args=[slug, "attempts", "xlsx"]),
        reverse("workspace_upload", args=[slug, "roster"]),
        reverse("workspace_upload", args=[slug, "attempts"]),
        reverse("workspace_import", args=[slug, batch.public_id]),
    ]


@pytest.fixture
def recorded(participant, coordinator):
    attempt = attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        number=1,
        submitted_on=date(2026, 10, 1),
        result="earned",
        actor=coordinator,
    )
    batch = import_now(
        participant.site,
        "roster",
        roster_csv("Ann,Lee,ann.lee@example.org,teacher,Bellevue,,"),
        coordinator,
    )
    return site_urls(participant.site, participant, attempt, batch)


def test_the_coordinator_opens_every_page_of_their_site(client, coordinator, recorded):
    login(client, coordinator)
    for url in recorded:
        assert client.get(url).status_code == 200, url


def test_program_staff_open_every_site(client, staff, recorded):
    login(client, staff)
    for url in recorded:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["other_coordinator", "applicant", "reviewer", "finance"])
def test_everyone_else_gets_404_on_every_url_of_the_site(
    client, recorded, staff, applicant, reviewer, finance, who
):
    users = {"applicant": applicant, "reviewer": reviewer, "finance": finance}
    user = users.get(who) or other_site(staff)[1]
    login(client, user)
    for url in recorded:
        assert client.get(url).status_code == 404, url
    confirm = recorded[-1] + "confirm/"
    assert client.post(confirm).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, recorded):
    for url in recorded:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_coordinator_lists_only_their_own_sites(client, site, coordinator, staff):
    second, _ = other_site(staff)
    assert list(workspace_sites(coordinator)) == [site]
    assert set(workspace_sites(staff)) == {site, second}
    login(client, coordinator)
    body = client.get(reverse("workspace_sites")).content.decode()
    assert site.name in body and second.name not in body


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_site_list_has_no_n_plus_one(client, staff, django_assert_max_num_queries):
    other_site(staff)
    login(client, staff)
    url = reverse("workspace_sites")
    one_site = queries_for(client, url)
    for _ in range(4):
        other_site(staff)
    with django_assert_max_num_queries(one_site):
        response = client.get(url)
    assert len(response.context["sites"]) == 5


def _bigger_site(site, coordinator, people=12):
    rows = [f"P{n},Person,p{n}@example.org,teacher,Bellevue,," for n in range(people)]
    import_now(site, "roster", roster_csv(*rows), coordinator)
    attempts = []
    for n in range(people):
        attempts.append(f"p{n}@example.org,ECS,1,2026-10-01,not_earned")
        if n % 2:
            attempts.append(f"p{n}@example.org,ECS,2,2026-10-08,earned")
    import_now(site, "attempts", attempts_csv(*attempts), coordinator)


def test_the_overview_figures_come_from_the_data(site, coordinator):
    _bigger_site(site, coordinator)
    overview = site_overview(site)
    ecs = next(c for c in overview.credentials if c.micro_credential.code == "ECS")
    assert overview.participants == 12
    assert (ecs.participants, ecs.attempts, ecs.earned, ecs.earned_first_attempt) == (12, 18, 6, 0)
    assert ecs.pending_resubmissions == 6
    assert overview.clock_hours == 6 * 20


def test_site_pages_make_a_fixed_number_of_queries(
    client, site, coordinator, django_assert_max_num_queries
):
    _bigger_site(site, coordinator, people=2)
    login(client, coordinator)
    participant = Participant.objects.filter(site=site).order_by("pk").last()
    urls = (
        reverse("workspace_site", args=[site.slug]),
        reverse("workspace_roster", args=[site.slug]),
        reverse("workspace_attempts", args=[site.slug]),
        reverse("workspace_participant", args=[site.slug, participant.pk]),
    )
    small = {url: queries_for(client, url) for url in urls}
    import_now(
        site,
        "roster",
        roster_csv(*[f"Q{n},Person,q{n}@example.org,teacher,Bellevue,," for n in range(40)]),
        coordinator,
    )
    import_now(
        site,
        "attempts",
        attempts_csv(*[f"q{n}@example.org,ECS,1,2026-10-01,earned" for n in range(40)]),
        coordinator,
    )
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200
    assert max(small.values()) <= 25  # the overview also reads the stipend ledger


def test_upload_preview_and_confirm_through_the_pages(client, site, coordinator):
    login(client, coordinator)
    url = reverse("workspace_upload", args=[site.slug, "roster"])
    bad = roster_csv("Ann,Lee,ann.lee@example.org,teacher,Atlantis,,")
    response = client.post(url, {"file": bad}, follow=True)
    body = response.content.decode()
    assert "Row 2, column district: &quot;Atlantis&quot; is not in the district directory." in body
    assert "Confirm and import" not in body

    good = roster_csv("Ann,Lee,ann.lee@example.org,teacher,Bellevue,,")
    response = client.post(url, {"file": good}, follow=True)
    body = response.content.decode()
    assert "What confirming would do" in body and 'data-count="new">1<' in body
    assert not Participant.objects.filter(site=site).exists()
    batch = response.context["batch"]
    response = client.post(
        reverse("workspace_import_confirm", args=[site.slug, batch.public_id]), follow=True
    )
    assert "is imported" in response.content.decode()
    assert Participant.objects.filter(site=site, email="ann.lee@example.org").exists()


def test_an_oversized_upload_is_refused_on_the_form(client, site, coordinator, unchanged):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, coordinator)
    big = SimpleUploadedFile("big.csv", b"first_name\n" + b"x" * (5 * 1024 * 1024 + 10))
    with unchanged():
        response = client.post(
            reverse("workspace_upload", args=[site.slug, "roster"]), {"file": big}
        )
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()


def test_a_large_upload_shows_progress_until_it_finishes(client, site, coordinator):
    rows = [f"P{n},Person,p{n}@example.org,teacher,Bellevue,," for n in range(1_001)]
    login(client, coordinator)
    # Without the task having run, the page shows the check in progress and refreshes.
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    response = client.post(
        reverse("workspace_upload", args=[site.slug, "roster"]), {"file": roster_csv(*rows)}
    )
    batch = ImportBatch.objects.get(site=site)
    page = client.get(response["Location"]).content.decode()
    if batch.status == "checking":
        assert 'http-equiv="refresh"' in page and "rows checked" in page
    else:  # the task ran in sync mode once the request's transaction committed
        assert batch.status == "previewed" and "Confirm and import 1001 rows" in page


def test_exports_are_formula_safe_and_keep_numbers(client, site, coordinator):
    import_now(
        site,
        "roster",
        roster_csv('=HYPERLINK("http://x"),@evil,+plus@example.org,teacher,Bellevue,-1,=1+1'),
        coordinator,
    )
    import_now(
        site, "attempts", attempts_csv("+plus@example.org,ECS,1,2026-10-01,earned"), coordinator
    )
    login(client, coordinator)
    text = client.get(reverse("workspace_export", args=[site.slug, "roster", "csv"])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0] == [
        "site",
        "first_name",
        "last_name",
        "email",
        "role",
        "district",
        "school",
        "certificate_number",
    ]
    assert rows[1][1:4] == ['\'=HYPERLINK("http://x")', "'@evil", "'+plus@example.org"]
    assert rows[1][6:] == ["'-1", "'=1+1"]

    from openpyxl import load_workbook

    data = client.get(reverse("workspace_export", args=[site.slug, "attempts", "xlsx"])).content
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == "'+plus@example.org"
    assert values[1][3] == 1 and values[1][6] == 20  # numbers stay numbers
    assert values[1][4].date() == date(2026, 10, 1)


def test_a_coordinator_exports_only_their_site(client, site, coordinator, staff):
    second, second_coordinator = other_site(staff)
    import_now(
        second,
        "roster",
        roster_csv("Zed,Zo,zed@example.org,teacher,Bellevue,,"),
        second_coordinator,
    )
    import_now(
        site, "roster", roster_csv("Ann,Lee,ann@example.org,teacher,Bellevue,,"), coordinator
    )
    login(client, coordinator)
    text = client.get(
        reverse("workspace_export", args=[site.slug, "roster", "csv"])
    ).content.decode()
    assert "ann@example.org" in text and "zed@example.org" not in text


def test_the_transcript_lists_attempts_and_clock_hours_and_prints(client, participant, coordinator):
    mc = factories.micro_credential("ECS")
    for number, result in ((1, "not_earned"), (2, "earned")):
        attempt_record(
            participant=participant,
            micro_credential=mc,
            number=number,
            submitted_on=date(2026, 10, number),
            result=result,
            actor=coordinator,
        )
    login(client, coordinator)
    site = participant.site
    page = client.get(reverse("workspace_participant", args=[site.slug, participant.pk]))
    assert page.context["clock_hours"] == 20 and page.context["earned"] == 1
    assert 'data-figure="transcript-hours">20<' in page.content.decode()
    pdf = client.get(reverse("workspace_transcript_pdf", args=[site.slug, participant.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "José Núñez" in text and "20" in text


def test_a_closed_site_is_read_only(client, site, coordinator, recorded):
    site.status = "closed"
    site.save()
    login(client, coordinator)
    response = client.get(reverse("workspace_upload", args=[site.slug, "roster"]))
    assert response.status_code == 302
    assert client.get(reverse("workspace_attempt_add", args=[site.slug])).status_code == 404
    assert client.get(reverse("workspace_site", args=[site.slug])).status_code == 200
    assert Attempt.objects.count() == 1
