from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    BudgetLine,
    OrganizationType,
)
from grants.services.applications import (
    application_create,
    application_set_budget,
    application_set_content_areas,
    application_submit,
    application_withdraw,
)
from tests import factories

PACIFIC = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def test_submit_moves_draft_to_submitted_and_audits(draft, applicant):
    application = application_submit(application=draft, actor=applicant)

    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == applicant
    entry = AuditEntry.objects.get(action="application.submitted")
    assert entry.before == {"status": "draft"}
    assert entry.after == {"status": "submitted"}
    assert entry.actor == applicant


def test_submit_sends_one_confirmation_email_after_commit(
    draft, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_submit(application=draft, actor=applicant)
    assert callbacks, "the email task is queued only on commit"
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted({applicant.email.lower(), "casey.contact@example.org"})
    assert all(m.subject == f"Application received: {draft.rfp.title}" for m in mail.outbox)

    # Running the send task again (a retry) sends nothing more.
    from grants.models import OutboundEmail
    from grants.tasks import email_send

    for email in OutboundEmail.objects.all():
        assert email_send(email.pk) is False
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("closes", "submit_at", "accepted"),
    [
        # Winter (PST, UTC-8) and summer (PDT, UTC-7) deadlines, one second either side.
        (
            datetime(2027, 1, 15, 17, 0, tzinfo=PACIFIC),
            datetime(2027, 1, 15, 16, 59, 59, tzinfo=PACIFIC),
            True,
        ),
        (
            datetime(2027, 1, 15, 17, 0, tzinfo=PACIFIC),
            datetime(2027, 1, 15, 17, 0, 0, tzinfo=PACIFIC),
            False,
        ),
        (
            datetime(2027, 3, 15, 17, 0, tzinfo=PACIFIC),
            datetime(2027, 3, 15, 16, 59, 59, tzinfo=PACIFIC),
            True,
        ),
        (
            datetime(2027, 3, 15, 17, 0, tzinfo=PACIFIC),
            datetime(2027, 3, 15, 17, 0, 0, tzinfo=PACIFIC),
            False,
        ),
    ],
)
def test_deadline_is_exclusive_in_pacific_time_across_dst(
    program, organization, applicant, closes, submit_at, accepted, unchanged
):
    rfp = factories.make_rfp(
        program=program,
        opens_at=closes - timedelta(days=60),
        closes_at=closes,
        slug=f"rfp-{closes:%m}",
    )
    application = factories.make_application(rfp=rfp, organization=organization)
    if accepted:
        application_submit(application=application, actor=applicant, at=submit_at)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        # 17:00 Pacific is 01:00 UTC (PST) in January and 00:00 UTC (PDT) in March.
        assert closes.astimezone(ZoneInfo("UTC")).hour == (1 if closes.month == 1 else 0)
    else:
        with unchanged(), pytest.raises(ValidationError, match="deadline has passed"):
            application_submit(application=application, actor=applicant, at=submit_at)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT
        assert application.answers.count() == 2, "the draft is kept"


def test_submit_before_opening_is_refused(program, organization, applicant, unchanged):
    now = timezone.now()
    rfp = factories.make_rfp(
        program=program,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=30),
        slug="upcoming",
    )
    application = factories.make_application(rfp=rfp, organization=organization)
    with unchanged(), pytest.raises(ValidationError, match="opens on"):
        application_submit(application=application, actor=applicant)


def test_ineligible_content_area_is_refused_when_chosen(
    program, organization, applicant, unchanged
):
    rfp = factories.make_rfp(program=program, areas=("ECS",), slug="ecs-only")
    application = factories.make_application(rfp=rfp, organization=organization, areas=("ECS",))
    with unchanged(), pytest.raises(ValidationError, match="does not fund"):
        application_set_content_areas(
            application=application,
            content_areas=[factories.content_area("CR-SEL")],
            actor=applicant,
        )


def test_ineligible_content_area_is_refused_on_submission(
    program, organization, applicant, unchanged
):
    rfp = factories.make_rfp(program=program, areas=("ECS",), slug="ecs-only")
    application = factories.make_application(rfp=rfp, organization=organization, areas=("RWT",))
    with unchanged(), pytest.raises(ValidationError, match="not eligible under this RFP"):
        application_submit(application=application, actor=applicant)


def test_ineligible_organization_type_is_refused(program, applicant, unchanged):
    rfp = factories.make_rfp(
        program=program, org_types=[OrganizationType.SCHOOL_DISTRICT], slug="districts-only"
    )
    organization = factories.OrganizationFactory(org_type=OrganizationType.COMMUNITY)
    application = factories.make_application(rfp=rfp, organization=organization)
    with unchanged(), pytest.raises(ValidationError, match="not eligible for this RFP"):
        application_submit(application=application, actor=applicant)


def test_budget_must_sum_to_award_and_include_stipends(draft, applicant, unchanged):
    BudgetLine.objects.filter(application=draft, category="personnel").update(amount=Decimal("1"))
    with unchanged(), pytest.raises(ValidationError, match="must equal the award amount"):
        application_submit(application=draft, actor=applicant)

    BudgetLine.objects.filter(application=draft).delete()
    BudgetLine.objects.create(application=draft, category="personnel", amount=Decimal("18000"))
    with unchanged(), pytest.raises(ValidationError, match="stipends line"):
        application_submit(application=draft, actor=applicant)


def test_budget_amounts_with_more_than_two_decimals_are_refused(draft, applicant, unchanged):
    with unchanged(), pytest.raises(ValidationError):
        application_set_budget(
            application=draft,
            lines=[{"category": "stipends", "amount": "100.005"}],
            actor=applicant,
        )


def test_one_active_application_per_organization_and_rfp(submitted, applicant, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="already has an application"):
        application_create(rfp=submitted.rfp, organization=submitted.organization, actor=applicant)


def test_submitting_twice_is_refused(submitted, applicant, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="already submitted"):
        application_submit(application=submitted, actor=applicant)


def test_withdraw_until_decided(submitted, applicant, staff, unchanged):
    application_withdraw(application=submitted, actor=applicant, reason="Timing")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="application.withdrawn").exists()

    # A withdrawn application frees the organization to start again.
    again = application_create(
        rfp=submitted.rfp, organization=submitted.organization, actor=applicant
    )
    assert again.status == ApplicationStatus.DRAFT


def test_decided_application_cannot_be_withdrawn(award, applicant, unchanged):
    application = Application.objects.get(pk=award.application_id)
    with unchanged(), pytest.raises(ValidationError, match="before a decision is made"):
        application_withdraw(application=application, actor=applicant)
