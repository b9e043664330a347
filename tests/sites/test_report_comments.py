"""A site report's comment thread: staff return it with a comment, comment without
changing its status, and the coordinator replies on their own site's returned report."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import AuditEntry
from sites.models import CommentKind, ReportComment, ReportStatus, SiteReport
from sites.services.reports import (
    report_comment_add,
    report_reply_add,
    site_report_return,
    site_report_save,
    site_report_submit,
)
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_report(site, coordinator):
    report = site_report_save(
        site=site, actor=coordinator, support_structures=["plc"], what_worked="PLC."
    )
    return site_report_submit(report=report, actor=coordinator)


@pytest.fixture
def returned_report(submitted_report, staff):
    return site_report_return(report=submitted_report, actor=staff, comments="Add quotes.")


def thread(report):
    return list(
        ReportComment.objects.filter(report=report)
        .order_by("created_at", "id")
        .values_list("kind", "author__email", "body", "report_status")
    )


def test_each_return_adds_a_comment_and_keeps_the_earlier_ones(returned_report, coordinator, staff):
    report = site_report_submit(report=returned_report, actor=coordinator)
    site_report_return(report=report, actor=staff, comments="  Also what did not work. ")
    assert thread(report) == [
        ("return", staff.email, "Add quotes.", "returned"),
        ("return", staff.email, "Also what did not work.", "returned"),
    ]
    entry = AuditEntry.objects.filter(action="report.returned").order_by("-id").first()
    assert entry.note == "Also what did not work."


def test_returning_without_a_reason_is_refused(submitted_report, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="what the site should change"):
        site_report_return(report=submitted_report, actor=staff, comments=" \n ")


def test_staff_comment_without_changing_the_status(submitted_report, staff):
    comment = report_comment_add(report=submitted_report, actor=staff, body="Looks good so far.")
    assert comment.kind == CommentKind.STAFF and comment.report_status == ReportStatus.SUBMITTED
    assert SiteReport.objects.get(pk=submitted_report.pk).status == ReportStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="report.commented").count() == 1


def test_only_staff_comment_and_an_empty_comment_is_refused(
    submitted_report, staff, coordinator, unchanged
):
    with unchanged(), pytest.raises(ValidationError, match="Only program staff"):
        report_comment_add(report=submitted_report, actor=coordinator, body="Me too.")
    with unchanged(), pytest.raises(ValidationError, match="Write the comment"):
        report_comment_add(report=submitted_report, actor=staff, body="   ")


def test_the_coordinator_replies_to_a_returned_report(returned_report, coordinator):
    report_reply_add(report=returned_report, actor=coordinator, body="Which quotes?")
    assert thread(returned_report)[-1] == (
        "reply",
        coordinator.email,
        "Which quotes?",
        "returned",
    )
    assert SiteReport.objects.get(pk=returned_report.pk).status == ReportStatus.RETURNED


def test_a_reply_is_refused_unless_returned_or_by_another_sites_coordinator(
    submitted_report, coordinator, staff, unchanged
):
    with unchanged(), pytest.raises(ValidationError, match="while the report is returned"):
        report_reply_add(report=submitted_report, actor=coordinator, body="Hello?")
    report = site_report_return(report=submitted_report, actor=staff, comments="Add quotes.")
    stranger = factories.UserFactory()
    with unchanged(), pytest.raises(ValidationError, match="Only the site's coordinators"):
        report_reply_add(report=report, actor=stranger, body="Hello?")
    with unchanged(), pytest.raises(ValidationError, match="Write your reply"):
        report_reply_add(report=report, actor=coordinator, body="  ")


def test_the_thread_shows_in_order_to_the_coordinator_and_to_staff(
    client, returned_report, coordinator, staff
):
    site = returned_report.site
    report_comment_add(report=returned_report, actor=staff, body="Second: any three.")
    login(client, coordinator)
    response = client.post(
        reverse("site_report_reply", args=[site.slug]), {"body": "Third: <b>thanks</b>"}
    )
    assert response.status_code == 302
    page = client.get(reverse("site_report", args=[site.slug])).content.decode()
    positions = [page.index(text) for text in ("Add quotes.", "Second: any three.", "Third:")]
    assert positions == sorted(positions)
    assert "&lt;b&gt;thanks&lt;/b&gt;" in page and "<b>thanks</b>" not in page
    assert "data-reply-form" in page
    client.logout()
    login(client, staff)
    review = client.get(reverse("site_report_review", args=[returned_report.pk])).content.decode()
    positions = [review.index(text) for text in ("Add quotes.", "Second: any three.", "Third:")]
    assert positions == sorted(positions)


def test_staff_comment_from_the_review_page(client, submitted_report, staff, unchanged):
    url = reverse("site_report_review", args=[submitted_report.pk])
    login(client, staff)
    with unchanged():
        client.post(url, {"action": "comment", "comments": " "})
    response = client.post(url, {"action": "comment", "comments": "Can you add a quote?"})
    assert response.status_code == 302
    assert thread(submitted_report) == [("staff", staff.email, "Can you add a quote?", "submitted")]
    assert SiteReport.objects.get(pk=submitted_report.pk).status == ReportStatus.SUBMITTED


def test_no_reply_form_once_resubmitted(client, returned_report, coordinator, unchanged):
    site_report_submit(report=returned_report, actor=coordinator)
    login(client, coordinator)
    page = client.get(reverse("site_report", args=[returned_report.site.slug])).content.decode()
    assert "Add quotes." in page and "data-reply-form" not in page
    with unchanged():
        response = client.post(
            reverse("site_report_reply", args=[returned_report.site.slug]), {"body": "Late."}
        )
    assert response.status_code == 404


def another_sites_coordinator(rfp, staff):
    """A coordinator of a second site of the same program."""
    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.services.sites import coordinator_add, site_create_from_award

    organization = factories.OrganizationFactory(legal_name="Other Partners")
    member = factories.add_member(organization)
    application = application_submit(
        application=factories.make_application(rfp=rfp, organization=organization),
        actor=member,
    )
    award = award_create(application=application, actor=staff, reason="Also strong.")
    site = site_create_from_award(award=award, actor=staff)
    person = factories.UserFactory()
    coordinator_add(site=site, user=person, actor=staff)
    return person


def test_people_without_access_to_the_report_get_404_and_change_nothing(
    client, returned_report, rfp, staff, unchanged
):
    slug = returned_report.site.slug
    outsiders = [another_sites_coordinator(rfp, staff), factories.UserFactory()]
    for person in [*outsiders, staff]:
        login(client, person)
        client.get(reverse("portal_home"))  # a first visit may create profile rows
        with unchanged():
            assert (
                client.post(reverse("site_report_reply", args=[slug]), {"body": "Hi"}).status_code
                == 404
            )
        client.logout()
    for person in outsiders:
        login(client, person)
        assert client.get(reverse("site_report", args=[slug])).status_code == 404
        client.logout()
    with unchanged():
        response = client.post(reverse("site_report_reply", args=[slug]), {"body": "Hi"})
    assert response.status_code == 302 and "/login" in response["Location"]


def _old_report(old_apps, *, staff_comments):
    """A report as the database held it before the thread: award, site, report."""
    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.services.sites import site_create_from_award

    staff = factories.UserFactory(roles=["program_staff"])
    organization = factories.OrganizationFactory()
    member = factories.add_member(organization)
    application = application_submit(
        application=factories.make_application(rfp=factories.make_rfp(), organization=organization),
        actor=member,
    )
    site = site_create_from_award(
        award=award_create(application=application, actor=staff, reason="Fund."), actor=staff
    )
    return old_apps.get_model("sites", "SiteReport").objects.create(
        site_id=site.pk, staff_comments=staff_comments
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_turns_old_staff_comments_into_the_first_comment():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("sites", "0006_report_comments")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("grants", "User")
    report = _old_report(old, staff_comments="Please add the quotes.")
    _old_report(old, staff_comments="")
    author = User.objects.create(email="returner@example.org", password="!")
    ContentType = old.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get(app_label="sites", model="sitereport")
    old.get_model("grants", "AuditEntry").objects.create(
        actor=author,
        action="report.returned",
        content_type=content_type,
        object_id=str(report.pk),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    comments = list(ReportComment.objects.values_list("report_id", "kind", "author__email", "body"))
    assert comments == [(report.pk, "return", "returner@example.org", "Please add the quotes.")]
