"""Convening figures: live for staff, frozen when published, the same on the page and in
the packet PDF as pilot_summary; consent and escaping hold everywhere."""

import re
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from cms.convening.services import packet_request, snapshot_publish
from cms.models import ConveningPacket, ConveningPage, PacketStatus
from grants.models import Program
from grants.selectors.summary import convening_figures, pilot_summary
from sites.services.reports import site_report_accept, site_report_save, site_report_submit
from sites.services.sites import participant_add
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db

SECRET_QUOTE = "Unconsented words that must stay private"
PUBLIC_QUOTE = "Consented words from Nguyễn Thị Lan"


@pytest.fixture
def convening(make_convening):
    return make_convening(intro="")


@pytest.fixture
def accepted_report(site, coordinator, staff, participant):
    report = site_report_save(
        site=site,
        actor=coordinator,
        support_structures=["plc", "paired"],
        what_worked='PLC time. <img src="file:///etc/passwd"> <img src="http://example.com/x.png">',
        recommendations="Start early.",
        quotes=[
            {"text": PUBLIC_QUOTE, "attribution": "Nguyễn Thị Lan", "consent_to_publish": True},
            {"text": SECRET_QUOTE, "attribution": "Teacher", "consent_to_publish": False},
        ],
    )
    report = site_report_submit(report=report, actor=coordinator)
    return site_report_accept(report=report, actor=staff)


def figure_values(body: str) -> dict:
    return {
        name: value.strip() for name, value in re.findall(r'data-figure="([a-z_]+)">([^<]+)<', body)
    }


def build_packet(page, staff, callbacks, monkeypatch=None) -> tuple[ConveningPacket, str]:
    with callbacks(execute=True):
        packet = packet_request(page=page, actor=staff)
    packet.refresh_from_db()
    assert packet.status == PacketStatus.DONE, packet.error
    with packet.file.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(handle.read())).pages)
    return packet, text


def test_attendees_see_only_published_figures(
    client, convening, accepted_report, staff, coordinator
):
    body = client.get(convening.url).content.decode()
    assert "have not been published yet" in body and "data-figure=" not in body

    snapshot_publish(page=convening, actor=staff)
    body = client.get(convening.url).content.decode()
    assert figure_values(body)["participants"] == "1"
    assert "data:image/svg+xml;base64," in body

    # New data changes the live figures, not the published ones.
    participant_add(
        site=accepted_report.site,
        first_name="Ana",
        last_name="Lee",
        email="ana.lee@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )
    assert figure_values(client.get(convening.url).content.decode())["participants"] == "1"
    admin_url = reverse("convening_admin", args=[convening.pk])
    assert client.get(admin_url).status_code == 302
    login(client, coordinator)
    assert client.get(admin_url).status_code == 302  # no admin access at all
    client.logout()
    login(client, factories.UserFactory(roles=["reviewer"]))
    assert client.get(admin_url).status_code == 404
    client.logout()
    login(client, staff)
    admin = client.get(admin_url).content.decode()
    assert figure_values(admin)["participants"] == "2"
    assert "The live figures have changed since." in admin


def test_a_snapshot_records_when_and_from_what(convening, accepted_report, staff):
    snapshot = snapshot_publish(page=convening, actor=staff)
    assert snapshot.published_by == staff and snapshot.published_at
    assert snapshot.source["participants"]["rows"] == 1
    assert snapshot.source["site_reports"]["rows"] == 1
    assert len(snapshot.digest) == 64
    assert snapshot.figures["earned_total"] == pilot_summary(convening.program)["earned_total"]


def test_a_quote_without_consent_never_appears(
    client, convening, accepted_report, staff, django_capture_on_commit_callbacks
):
    snapshot_publish(page=convening, actor=staff)
    page = client.get(convening.url).content.decode()
    assert PUBLIC_QUOTE in page and SECRET_QUOTE not in page
    export = client.get(reverse("convening_stories_export", args=[convening.pk, "csv"]))
    assert export.status_code == 200
    exported = export.content.decode("utf-8-sig")
    assert PUBLIC_QUOTE in exported and SECRET_QUOTE not in exported
    _, text = build_packet(convening, staff, django_capture_on_commit_callbacks)
    assert "Nguyễn Thị Lan" in text
    assert SECRET_QUOTE not in text


def test_a_narrative_with_a_file_url_fetches_nothing(
    convening, accepted_report, staff, django_capture_on_commit_callbacks, monkeypatch
):
    import grants.pdf

    fetched = []
    original = grants.pdf._fetcher_class

    def spying_class():
        base = original()

        class Spy(base):
            def fetch(self, url, headers=None):
                fetched.append(url)
                return super().fetch(url, headers)

        return Spy

    monkeypatch.setattr(grants.pdf, "_fetcher_class", spying_class)
    _, text = build_packet(convening, staff, django_capture_on_commit_callbacks)
    assert "root:" not in text
    assert "file:///etc/passwd" in text  # shown as the text that was typed
    assert fetched and all(
        url.startswith("data:") or url.startswith("https://pdf.invalid/static/") for url in fetched
    )


def test_only_staff_build_and_download_the_packet(
    client, convening, accepted_report, staff, coordinator, django_capture_on_commit_callbacks
):
    packet, _ = build_packet(convening, staff, django_capture_on_commit_callbacks)
    url = reverse("convening_packet_download", args=[convening.pk, packet.pk])
    status = reverse("convening_packet_status", args=[convening.pk, packet.pk])
    login(client, factories.UserFactory(roles=["reviewer"]))
    assert client.get(url).status_code == 404
    assert client.get(status).status_code == 404
    client.logout()
    login(client, staff)
    assert client.get(status).json()["progress"] == 100
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # A retried task does nothing the second time.
    from cms.tasks import packet_build

    assert packet_build(packet.pk) is False


def test_figures_and_charts_are_computed_from_the_data(program, site, staff, accepted_report):
    figures = convening_figures(program)
    assert figures["support_structures"][3]["structure"] == "plc"
    plc = next(row for row in figures["support_structures"] if row["structure"] == "plc")
    assert (plc["sites"], plc["participants"], plc["earners"]) == (1, 1, 0)
    assert plc["earned_rate"] == "0.0"
    assert figures["stipend_histogram"] == []


def test_pilot_three_page_and_packet_equal_pilot_summary(
    client, django_capture_on_commit_callbacks
):
    call_command("load_pilot_three", stdout=StringIO())
    program = Program.objects.get(slug="pilot-three")
    summary = pilot_summary(program)
    page = ConveningPage.objects.get(slug="pilot-three-convening")

    shown = figure_values(client.get(page.url).content.decode())
    expected = {
        "sites": str(summary["sites"]),
        "participants": str(summary["participants"]),
        "districts_reached": str(summary["districts_reached"]),
        "earned_total": str(summary["earned_total"]),
        "earned_first_attempt": str(summary["earned_first_attempt"]),
        "earned_later_attempt": str(summary["earned_later_attempt"]),
        "stipend_count": str(summary["stipends"]["count"]),
        "stipend_min": f"${summary['stipends']['min']}",
        "stipend_max": f"${summary['stipends']['max']}",
        "stipend_mean": f"${summary['stipends']['mean']}",
    }
    for key, value in expected.items():
        assert shown[key] == value, key
    # Stories are published with consented quotes only.
    body = client.get(page.url).content.decode()
    assert "I wanted my students to see themselves" in body
    assert "Private note from a participant" not in body

    staff = factories.User.objects.get(email="staff@example.org")
    _, text = build_packet(page, staff, django_capture_on_commit_callbacks)
    lines = {line.strip() for line in text.splitlines()}
    labels = {
        "sites": "Grant sites",
        "participants": "Participating educators",
        "districts_reached": "School districts reached",
        "earned_total": "Micro-credentials earned",
        "earned_first_attempt": "Earned on the first attempt",
        "earned_later_attempt": "Earned on a later attempt",
        "stipend_count": "Stipends paid",
        "stipend_min": "Smallest stipend",
        "stipend_max": "Largest stipend",
        "stipend_mean": "Average stipend",
    }
    for key, label in labels.items():
        assert f"{label} {expected[key]}" in lines, (label, expected[key])
    for site_name, earned in summary["earned_by_site"].items():
        assert earned >= 0 and site_name
    assert text.count("Organization") >= 15  # one page per site with an accepted report
    assert "Private note from a participant" not in text
    assert "Small-group prompts" in text and "Platform providers" in text
