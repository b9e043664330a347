"""The coordinator's report in the portal and staff's review in the admin."""

import pytest
from django.urls import reverse

from grants.models import InstallmentStatus
from sites.models import ReportQuote, ReportStatus, SiteReport
from sites.services.reports import site_report_save, site_report_submit
from tests import factories, uploads
from tests.auth import login

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "support_structures": ["plc", "coaching"],
        "support_other": "",
        "incentives": "$200 per micro-credential earned, 20 clock hours.",
        "collaboration": "Monthly cohort meetings.",
        "what_worked": "Protected PLC time.",
        "what_did_not_work": "Winter break.",
        "recommendations": "Start in September.",
        "quotes-TOTAL_FORMS": "2",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "30",
        "quotes-0-text": "I wanted my students to see themselves.",
        "quotes-0-attribution": "Teacher",
        "quotes-0-consent_to_publish": "on",
        "quotes-1-text": "Do not publish me.",
        "quotes-1-attribution": "",
    }
    data.update(overrides)
    return data


def test_counts_come_from_the_sites_data_and_are_read_only(client, site, coordinator, participant):
    from sites.services.attempts import attempt_record

    attempt_record(
        participant=participant,
        micro_credential=site.content_areas.first().micro_credentials.first(),
        number=1,
        submitted_on=site.program.starts_on,
        result="earned",
        actor=coordinator,
    )
    login(client, coordinator)
    body = client.get(reverse("site_report", args=[site.slug])).content.decode()
    assert 'data-count="participants">1<' in body
    assert 'data-count="attempts">1<' in body
    assert 'data-count="earned">1<' in body
    # No count is a form field: posting one changes nothing.
    client.post(reverse("site_report", args=[site.slug]), form_data(participants="999"))
    assert (
        'data-count="participants">1<'
        in client.get(reverse("site_report", args=[site.slug])).content.decode()
    )


def test_save_draft_keeps_sections_and_quotes_with_consent(client, site, coordinator):
    login(client, coordinator)
    response = client.post(reverse("site_report", args=[site.slug]), form_data(action="save"))
    assert response.status_code == 302
    report = SiteReport.objects.get(site=site)
    assert report.status == ReportStatus.DRAFT
    assert report.support_structures == ["plc", "coaching"]
    quotes = list(report.quotes.values_list("text", "consent_to_publish"))
    assert quotes == [
        ("I wanted my students to see themselves.", True),
        ("Do not publish me.", False),
    ]


def test_autosave_saves_the_draft_and_refuses_bad_input_without_change(
    client, site, coordinator, unchanged
):
    login(client, coordinator)
    url = reverse("site_report_autosave", args=[site.slug])
    response = client.post(url, form_data(what_worked="Typed, then the tab closed."))
    assert response.status_code == 200 and response.json()["saved"]
    assert SiteReport.objects.get(site=site).what_worked == "Typed, then the tab closed."
    with unchanged():
        response = client.post(url, form_data(support_structures=["teleportation"]))
    assert response.status_code == 400 and not response.json()["saved"]


def test_a_refused_submit_shows_everything_typed_and_saves_the_draft(client, site, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("site_report", args=[site.slug]),
        form_data(action="submit", support_structures=[], what_worked="Kept text ü"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one support structure" in body
    assert "Kept text ü" in body and "I wanted my students to see themselves." in body
    report = SiteReport.objects.get(site=site)
    assert report.status == ReportStatus.DRAFT and report.what_worked == "Kept text ü"


def test_attachments_are_checked_by_content(client, site, coordinator, private_media):
    login(client, coordinator)
    url = reverse("site_report", args=[site.slug])
    response = client.post(url, {**form_data(action="save"), "attachment": uploads.disguised()})
    assert response.status_code == 400
    assert "not an accepted type" in response.content.decode()
    assert not SiteReport.objects.get(site=site).attachments.exists()
    # The typed sections were kept even though the file was refused.
    assert SiteReport.objects.get(site=site).what_worked == "Protected PLC time."

    response = client.post(url, {**form_data(action="save"), "attachment": uploads.pdf()})
    assert response.status_code == 302
    attachment = SiteReport.objects.get(site=site).attachments.get()
    download = client.get(reverse("site_report_attachment", args=[site.slug, attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_a_coordinator_sees_only_their_own_sites_report(client, site, coordinator, staff):
    other = factories.UserFactory(email="someone.else@example.org")
    login(client, other)
    for name in ("site_report", "site_report_autosave"):
        assert client.get(reverse(name, args=[site.slug])).status_code in (404, 405)
    assert (
        client.post(reverse("site_report_autosave", args=[site.slug]), form_data()).status_code
        == 404
    )
    assert client.post(reverse("site_report", args=[site.slug]), form_data()).status_code == 404
    assert not SiteReport.objects.filter(site=site).exists()
    client.logout()
    assert client.get(reverse("site_report", args=[site.slug])).status_code == 302


def test_a_submitted_report_is_read_only_for_the_coordinator(client, site, coordinator, unchanged):
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    site_report_submit(report=report, actor=coordinator)
    login(client, coordinator)
    assert client.get(reverse("site_report", args=[site.slug])).status_code == 200
    with unchanged():
        assert client.post(reverse("site_report", args=[site.slug]), form_data()).status_code == 404


def test_only_staff_return_or_accept_and_accepting_releases_the_final_installment(
    client, site, coordinator, staff, unchanged
):
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    site_report_submit(report=report, actor=coordinator)
    url = reverse("site_report_review", args=[report.pk])
    login(client, coordinator)
    with unchanged():
        response = client.post(url, {"action": "accept"})
    assert response.status_code in (302, 404)
    assert SiteReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    client.logout()
    login(client, staff)
    with unchanged():
        client.post(url, {"action": "return", "comments": "  "})
    client.post(url, {"action": "return", "comments": "Add what did not work."})
    assert SiteReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    client.logout()
    login(client, coordinator)
    page = client.get(reverse("site_report", args=[site.slug])).content.decode()
    assert "Add what did not work." in page
    client.post(reverse("site_report", args=[site.slug]), form_data(action="submit"))
    assert SiteReport.objects.get(pk=report.pk).status == ReportStatus.RESUBMITTED
    client.logout()
    login(client, staff)
    client.post(url, {"action": "accept"})
    assert SiteReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    final = site.award.installments.get(milestone="final_report")
    assert final.status == InstallmentStatus.RELEASED


def test_tracker_lists_every_site_without_n_plus_one(
    client, site, staff, django_assert_max_num_queries
):
    login(client, staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("site_report_tracker"))
    assert response.status_code == 200
    assert 'data-tracker-status="not_started"' in response.content.decode()


def test_quotes_without_text_are_dropped(site, coordinator):
    site_report_save(
        site=site,
        actor=coordinator,
        quotes=[{"text": "  "}, {"text": "Kept", "consent_to_publish": True}],
    )
    assert list(ReportQuote.objects.values_list("text", flat=True)) == ["Kept"]
