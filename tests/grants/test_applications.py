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
    assert entry.after == {
        "status": "submitted",
        "submitted_at": application.submitted_at.isoformat(),
    }
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
    factories.add_member(organization, applicant)
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


# Starting and submitting: who, and when -------------------------------------------------


def test_create_starts_a_draft_for_a_verified_member(rfp, organization, applicant):
    application = application_create(rfp=rfp, organization=organization, actor=applicant)
    assert application.status == ApplicationStatus.DRAFT
    assert application.created_by == applicant
    assert application.public_id is not None


@pytest.mark.parametrize(
    "case", ["closed", "upcoming", "ineligible type", "not a member", "unverified"]
)
def test_create_is_refused(program, organization, applicant, closed_rfp, case, unchanged):
    now = timezone.now()
    rfp = factories.make_rfp(program=program, slug="open-rfp")
    actor = applicant
    if case == "closed":
        rfp = closed_rfp
    elif case == "upcoming":
        rfp = factories.make_rfp(
            program=program,
            opens_at=now + timedelta(days=2),
            closes_at=now + timedelta(days=9),
            slug="upcoming-rfp",
        )
    elif case == "ineligible type":
        rfp = factories.make_rfp(program=program, org_types=["school_district"], slug="lea-rfp")
    elif case == "not a member":
        actor = factories.UserFactory()
    else:
        applicant.email_verified_at = None
        applicant.save()
    message = {
        "closed": "no longer accepts",
        "upcoming": "opens on",
        "ineligible type": "not eligible",
        "not a member": "Only members",
        "unverified": "Confirm your email",
    }[case]
    with unchanged(), pytest.raises(ValidationError, match=message):
        application_create(rfp=rfp, organization=organization, actor=actor)


def test_only_a_verified_member_submits(draft, applicant, unchanged):
    outsider = factories.UserFactory()
    with unchanged(), pytest.raises(ValidationError, match="Only members"):
        application_submit(application=draft, actor=outsider)
    applicant.email_verified_at = None
    applicant.save()
    with unchanged(), pytest.raises(ValidationError, match="Confirm your email"):
        application_submit(application=draft, actor=applicant)


# Saving the steps ------------------------------------------------------------------------


def test_each_step_saves_and_remembers_the_furthest_step(rfp, organization, applicant):
    from grants.models import ApplicationStep
    from grants.services.applications import application_step_save

    application = application_create(rfp=rfp, organization=organization, actor=applicant)
    application_step_save(
        application=application,
        step=ApplicationStep.CONTENT_AREAS,
        data={"content_areas": [factories.content_area("RWT")]},
        actor=applicant,
    )
    application.refresh_from_db()
    assert application.current_step == ApplicationStep.PARTNERS
    assert list(application.content_areas.values_list("code", flat=True)) == ["RWT"]

    # Going back to an earlier step saves it without forgetting how far the draft got.
    application_step_save(
        application=application,
        step=ApplicationStep.ORGANIZATION,
        data={"contact_name": "Casey", "contact_email": "casey@example.org", "title": "T"},
        actor=applicant,
    )
    application.refresh_from_db()
    assert application.current_step == ApplicationStep.PARTNERS
    assert application.contact_name == "Casey"


def test_a_step_that_breaks_a_rule_saves_nothing(rfp, applicant, organization, unchanged):
    from grants.models import ApplicationStep
    from grants.services.applications import application_step_save

    ecs_only = factories.make_rfp(program=rfp.program, areas=("ECS",), slug="ecs")
    application = factories.make_application(rfp=ecs_only, organization=organization)
    with unchanged(), pytest.raises(ValidationError, match="does not fund"):
        application_step_save(
            application=application,
            step=ApplicationStep.CONTENT_AREAS,
            data={"content_areas": [factories.content_area("RWT")]},
            actor=applicant,
        )


def test_a_submitted_application_no_longer_changes(submitted, applicant, unchanged):
    from grants.services.applications import application_set_answers

    with unchanged(), pytest.raises(ValidationError, match="can no longer be changed"):
        application_set_answers(application=submitted, answers={}, actor=applicant)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "enter the amount in dollars"),
        ("-5", "cannot be negative"),
        ("NaN", "dollar amount"),
    ],
)
def test_budget_amounts_that_are_not_money_are_refused(
    draft, applicant, amount, message, unchanged
):
    with unchanged(), pytest.raises(ValidationError, match=message):
        application_set_budget(
            application=draft, lines=[{"category": "stipends", "amount": amount}], actor=applicant
        )


def test_budget_amounts_are_read_as_people_type_them(draft, applicant):
    application_set_budget(
        application=draft,
        lines=[
            {"category": "stipends", "amount": "$4,000.50"},
            {"category": "personnel", "description": "Coordinator", "amount": "13999.50"},
        ],
        actor=applicant,
    )
    draft.refresh_from_db()
    assert draft.budget_total == Decimal("18000.00")
    assert draft.stipends_total == Decimal("4000.50")
    from grants.services.applications import budget_problems

    assert budget_problems(draft) == []


# Attachments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_pdf_docx_and_xlsx_attachments_are_stored_privately(
    draft, applicant, private_media, settings, make, content_type
):
    from pathlib import Path

    from grants.services.attachments import application_attachment_add
    from tests import uploads

    attachment = application_attachment_add(
        application=draft, upload=getattr(uploads, make)(), label="Letter", actor=applicant
    )
    assert attachment.content_type == content_type
    stored = Path(attachment.file.path)
    assert stored.is_file() and private_media in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert AuditEntry.objects.filter(action="application.attachment_added").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("disguised", "not an accepted type"),
        ("oversized", "the limit is 10 MB"),
    ],
)
def test_attachments_are_judged_by_content_and_size(
    draft, applicant, private_media, make, message, unchanged
):
    from grants.services.attachments import application_attachment_add
    from tests import uploads

    with unchanged(), pytest.raises(ValidationError, match=message):
        application_attachment_add(
            application=draft, upload=getattr(uploads, make)(), actor=applicant
        )
    assert not any(private_media.rglob("*.*")), "nothing is stored"


def test_a_renamed_text_file_is_refused(draft, applicant, private_media, unchanged):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.services.attachments import application_attachment_add

    upload = SimpleUploadedFile("budget.xlsx", b"name,amount\n=cmd,1\n", content_type="text/csv")
    with unchanged(), pytest.raises(ValidationError, match="budget.xlsx: This file"):
        application_attachment_add(application=draft, upload=upload, actor=applicant)


def test_at_most_ten_attachments(draft, applicant, private_media, unchanged):
    from grants.services.attachments import application_attachment_add
    from tests import uploads

    for n in range(10):
        application_attachment_add(
            application=draft, upload=uploads.pdf(f"l{n}.pdf"), actor=applicant
        )
    with unchanged(), pytest.raises(ValidationError, match="at most 10 files"):
        application_attachment_add(application=draft, upload=uploads.pdf(), actor=applicant)


def test_removing_an_attachment_deletes_the_file(
    draft, applicant, private_media, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from grants.services.attachments import (
        application_attachment_add,
        application_attachment_remove,
    )
    from tests import uploads

    attachment = application_attachment_add(
        application=draft, upload=uploads.pdf(), actor=applicant
    )
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        application_attachment_remove(attachment=attachment, actor=applicant)
    assert not path.exists()
    assert not draft.attachments.exists()


def test_attachments_of_a_submitted_application_are_fixed(
    draft, applicant, private_media, unchanged
):
    from grants.services.attachments import (
        application_attachment_add,
        application_attachment_remove,
    )
    from tests import uploads

    attachment = application_attachment_add(
        application=draft, upload=uploads.pdf(), actor=applicant
    )
    application_submit(application=draft, actor=applicant)
    with unchanged(), pytest.raises(ValidationError, match="can no longer be changed"):
        application_attachment_add(application=draft, upload=uploads.pdf(), actor=applicant)
    with unchanged(), pytest.raises(ValidationError, match="can no longer be changed"):
        application_attachment_remove(attachment=attachment, actor=applicant)


# History -----------------------------------------------------------------------------------


def test_history_shows_status_changes_but_never_staff_details(rfp, organization, applicant, staff):
    from grants.selectors.applications import application_histories
    from grants.services.decisions import award_create

    application = application_create(rfp=rfp, organization=organization, actor=applicant)
    factories.complete_draft(application)
    application_submit(application=application, actor=applicant)
    award_create(application=application, actor=staff, reason="Secret panel comment: scored 4.5")

    history = application_histories([application])[application.pk]
    assert [item.label for item in history] == ["Draft started", "Submitted", "Awarded"]
    member_name = applicant.get_full_name()
    assert [item.by for item in history] == [member_name, member_name, "The board"]
    rendered = " ".join(f"{item.label} {item.by} {item.note}" for item in history)
    assert "Secret panel comment" not in rendered
    assert staff.email not in rendered and staff.get_full_name() not in rendered


def test_history_shows_a_members_withdrawal_reason(submitted, applicant):
    from grants.selectors.applications import application_histories

    application_withdraw(application=submitted, actor=applicant, reason="Our cohort fell through.")
    history = application_histories([submitted])[submitted.pk]
    assert history[-1].label == "Withdrawn"
    assert history[-1].note == "Our cohort fell through."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_starting_at_once_get_one_draft(rfp, organization):
    import threading

    from django.db import connection

    members = [factories.add_member(organization) for _ in range(4)]
    barrier = threading.Barrier(len(members))
    outcomes = []

    def start(member):
        barrier.wait()
        try:
            application_create(rfp=rfp, organization=organization, actor=member)
            outcomes.append("started")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused"] * 3 + ["started"]
    assert Application.objects.filter(rfp=rfp, organization=organization).count() == 1
