"""Decisions in the admin, letters, award to site, installments, the decision dashboard,
and the rule that applicants never see reviewers, scores or internal comments."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.models import (
    ApplicationStatus,
    AuditEntry,
    Decision,
    DecisionStatus,
    InstallmentStatus,
    Invitation,
    InvitationKind,
    LetterTemplate,
    OutboundEmail,
)
from grants.services.applications import application_submit
from grants.services.awarding import decision_record
from grants.services.comments import staff_comment_add
from grants.services.decisions import application_decline, award_create, decision_reverse
from grants.services.letters import decision_letter_issue
from grants.services.reviews import review_assign, review_declare, review_save
from grants.tasks import decision_letter_send
from sites.models import GrantSite
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def scored_review(submitted, reviewer, staff):
    from grants.services.reviews import rubric_criterion_add

    criterion = rubric_criterion_add(rfp=submitted.rfp, title="Need", actor=staff)
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    review = review_declare(review=review, actor=reviewer, conflict=False)
    return review_save(
        review=review,
        actor=reviewer,
        scores={criterion.pk: 4},
        comments={criterion.pk: "SECRET-REVIEW-COMMENT"},
        overall_comment="SECRET-OVERALL",
        submit=True,
    )


def decide(client, application, **data):
    return client.post(reverse("reviewing:decide", args=[application.public_id]), data)


# Decisions in the admin ------------------------------------------------------------------


def test_staff_award_creates_site_invitation_schedule_and_one_letter(
    client, submitted, staff, private_media, django_capture_on_commit_callbacks
):
    login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, submitted, outcome="award", amount="", reason="Strong plan.")
    assert response.status_code == 302
    decision = Decision.objects.get(application=submitted)
    assert decision.amount == Decimal("18000.00")  # the program's default
    assert [(i.milestone, i.amount) for i in decision.installments.all()] == [
        ("agreement", Decimal("9000.00")),
        ("final_report", Decimal("9000.00")),
    ]
    site = GrantSite.objects.get(award_id=decision.pk)
    invitation = Invitation.objects.get(site=site)
    assert invitation.kind == InvitationKind.SITE_COORDINATOR
    assert invitation.email == "casey.contact@example.org"
    decision.refresh_from_db()
    assert decision.letter and decision.letter_generated_at
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 2
    assert any("invited" in s for s in subjects)
    letter_email = next(m for m in mail.outbox if m.attachments)
    assert letter_email.to == ["casey.contact@example.org"]
    name, content, _ = letter_email.attachments[0]
    text = pdf_text(content)
    assert submitted.organization.legal_name in text
    assert "$18,000.00" in text
    assert "9,000.00" in text and "Signed grant agreement" in text


def test_letter_task_retried_sends_nothing_twice(
    award, private_media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision_letter_send(award.pk)
    first = Decision.objects.get(pk=award.pk).letter.name
    with django_capture_on_commit_callbacks(execute=True):
        decision_letter_send(award.pk)
        decision_letter_send(award.pk)
    assert Decision.objects.get(pk=award.pk).letter.name == first
    assert OutboundEmail.objects.filter(key=f"decision-letter:{award.pk}").count() == 1
    assert len(mail.outbox) == 1


def test_letter_comes_from_the_staff_edited_template(award, private_media):
    template = LetterTemplate.objects.get(kind="award")
    template.opening = "<p>Dear friends at {organization}, here is {amount}.</p>"
    template.signatory_name = "Dana Director"
    template.save()
    decision = decision_letter_issue(decision=award)
    with decision.letter.open("rb") as handle:
        text = pdf_text(handle.read())
    assert f"Dear friends at {award.application.organization.legal_name}" in text
    assert "here is $18,000.00" in text
    assert "Dana Director" in text
    assert "20 clock hours" in text


def test_declined_applicants_get_a_decline_letter(submitted, staff, private_media):
    decision = application_decline(application=submitted, actor=staff, reason="Out of scope.")
    decision = decision_letter_issue(decision=decision)
    with decision.letter.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "unable to offer" in text and submitted.organization.legal_name in text
    assert "Out of scope." not in text  # the internal reason is not in the letter
    assert OutboundEmail.objects.filter(key=f"decision-letter:{decision.pk}").exists()


def test_reversed_decision_gets_no_letter(award, staff, private_media):
    decision_reverse(decision=award, actor=staff, reason="Wrong application.")
    decision = decision_letter_issue(decision=award)
    assert not decision.letter
    assert not OutboundEmail.objects.filter(key__startswith="decision-letter").exists()


def test_bad_decision_input_is_refused_with_no_change(client, submitted, staff, unchanged):
    login(client, staff)
    with unchanged():
        response = decide(client, submitted, outcome="award", amount="abc", reason="Fund.")
    assert response.status_code == 400
    assert "Enter the amount in dollars" in response.content.decode()
    with unchanged():
        response = decide(client, submitted, outcome="award", amount="999999", reason="Fund.")
    assert "exceed the program budget" in response.content.decode()
    with unchanged():
        response = decide(client, submitted, outcome="decline", reason="")
    assert response.status_code == 400


def test_honorary_award_in_the_admin_creates_a_site_without_installments(client, submitted, staff):
    login(client, staff)
    decide(client, submitted, outcome="honorary", reason="Joins without funds.")
    decision = Decision.objects.get(application=submitted)
    assert decision.is_honorary and decision.amount == 0
    assert GrantSite.objects.filter(award_id=decision.pk).exists()
    assert not decision.installments.exists()


def test_reversal_in_the_admin_is_explicit_audited_and_removes_the_unused_site(
    client, submitted, staff, unchanged
):
    login(client, staff)
    decide(client, submitted, outcome="award", reason="Fund.")
    decision = Decision.objects.get(application=submitted)
    url = reverse("reviewing:reverse", args=[submitted.public_id])
    with unchanged():
        assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Decided the wrong one."}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REVERSED
    assert not GrantSite.objects.filter(award_id=decision.pk).exists()
    assert not Invitation.objects.filter(kind="site_coordinator").exists()
    entry = AuditEntry.objects.get(action="decision.reversed")
    assert entry.actor == staff and entry.note == "Decided the wrong one."
    assert AuditEntry.objects.filter(action="site.removed_with_award").exists()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


# Installments ---------------------------------------------------------------------------


def test_finance_marks_installments_paid_and_it_is_audited(client, award, staff, finance):
    agreement = award.installments.get(sequence=1)
    login(client, staff)
    client.post(reverse("reviewing:installment_release", args=[agreement.pk]))
    assert (
        client.post(
            reverse("reviewing:installment_pay", args=[agreement.pk]), {"reference": "X"}
        ).status_code
        == 404
    )  # program staff do not record payments
    login(client, finance)
    page = client.get(reverse("reviewing:installments")).content.decode()
    assert "Mark paid" in page
    client.post(reverse("reviewing:installment_pay", args=[agreement.pk]), {"reference": " "})
    agreement.refresh_from_db()
    assert agreement.status == InstallmentStatus.RELEASED
    client.post(reverse("reviewing:installment_pay", args=[agreement.pk]), {"reference": "CHK-7"})
    agreement.refresh_from_db()
    assert agreement.status == InstallmentStatus.PAID and agreement.paid_by == finance
    entry = AuditEntry.objects.get(action="installment.paid")
    assert entry.actor == finance and entry.after["reference"] == "CHK-7"


# Dashboard ------------------------------------------------------------------------------


def test_dashboard_ranks_and_counts_with_budget(
    client, rfp, submitted, scored_review, staff, django_assert_max_num_queries
):
    organization = factories.OrganizationFactory(
        legal_name='=HYPERLINK("http://x")', org_type="school_district"
    )
    member = factories.add_member(organization)
    other = application_submit(
        application=factories.make_application(rfp=rfp, organization=organization, areas=("RWT",)),
        actor=member,
    )
    award_create(application=other, actor=staff, reason="Fund.")
    for _ in range(3):
        extra = factories.OrganizationFactory()
        application_submit(
            application=factories.make_application(rfp=rfp, organization=extra),
            actor=factories.add_member(extra),
        )
    login(client, staff)
    url = reverse("reviewing:dashboard")
    with django_assert_max_num_queries(25):
        response = client.get(url, {"program": rfp.program.slug})
    board = response.context["board"]
    assert board.rows[0].application == submitted and board.rows[0].rank == 1
    assert board.used == Decimal("18000.00")
    assert board.remaining == rfp.program.budget - Decimal("18000.00")
    areas = {label: (a, w) for label, a, w in board.by_content_area}
    assert next(v for k, v in areas.items() if "(RWT)" in k) == (1, 1)
    assert next(v for k, v in areas.items() if "(ECS)" in k) == (4, 0)
    assert dict((label, (a, w)) for label, a, w in board.by_org_type)["School district"] == (1, 1)
    export = client.get(url, {"program": rfp.program.slug, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Rank"
    assert rows[1][1] == submitted.organization.legal_name and rows[1][6] == 4
    assert '\'=HYPERLINK("http://x")' in [row[1] for row in rows]
    assert AuditEntry.objects.filter(action="decisions.exported").exists()


def test_staff_review_list_has_no_n_plus_one(
    client, rfp, submitted, scored_review, staff, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, staff)
    url = reverse("reviewing:staff_applications")
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"rfp": rfp.pk})
    for _ in range(5):
        extra = factories.OrganizationFactory()
        application_submit(
            application=factories.make_application(rfp=rfp, organization=extra),
            actor=factories.add_member(extra),
        )
    # Five more applications cost no more queries (the form's choices add one fetch).
    with django_assert_max_num_queries(len(one) + 1):
        response = client.get(url, {"rfp": rfp.pk})
    assert response.status_code == 200 and len(response.context["rows"]) == 6


# Permission matrix ----------------------------------------------------------------------


@pytest.fixture
def matrix(submitted, staff, reviewer, scored_review, private_media):
    """An application with a submitted review and a decision letter, and the people who
    must not see its review pages or review data."""
    conflicted = factories.UserFactory(roles=["reviewer"])
    recused = review_assign(application=submitted, reviewer=conflicted, actor=staff)
    review_declare(review=recused, actor=conflicted, conflict=True, note="Former employer.")
    applicant = submitted.organization.memberships.first().user
    other_rfp_app = factories.make_application(rfp=submitted.rfp)
    coordinator = factories.UserFactory()
    other_award = award_create(
        application=application_submit(
            application=other_rfp_app,
            actor=factories.add_member(other_rfp_app.organization),
        ),
        actor=staff,
        reason="Fund.",
    )
    from sites.services.sites import coordinator_add, site_create_from_award

    coordinator_add(
        site=site_create_from_award(award=other_award, actor=staff), user=coordinator, actor=staff
    )
    return {
        "applicant": applicant,
        "unassigned reviewer": factories.UserFactory(roles=["reviewer"]),
        "conflicted reviewer": conflicted,
        "coordinator": coordinator,
        "review": scored_review,
        "recused": recused,
    }


@pytest.mark.parametrize(
    "who", ["applicant", "unassigned reviewer", "conflicted reviewer", "coordinator"]
)
def test_review_pages_and_data_are_404_to_everyone_else(client, submitted, matrix, who):
    login(client, matrix[who])
    public_id = submitted.public_id
    urls = [
        reverse("reviewing:review", args=[matrix["review"].pk]),
        reverse("reviewing:review", args=[matrix["recused"].pk]),
        reverse("reviewing:staff_application", args=[public_id]),
        reverse("reviewing:staff_applications"),
        reverse("reviewing:dashboard"),
        reverse("reviewing:dashboard") + "?format=xlsx",
        reverse("reviewing:installments"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("assign", "comment", "decide", "reverse"):
        assert client.post(reverse(f"reviewing:{name}", args=[public_id]), {}).status_code == 404
    assert (
        client.post(reverse("reviewing:review", args=[matrix["review"].pk]), {}).status_code == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted, matrix):
    response = client.get(reverse("reviewing:staff_application", args=[submitted.public_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_reviewer_and_staff_reach_their_pages(client, submitted, matrix, reviewer, staff):
    login(client, reviewer)
    assert client.get(reverse("reviewing:review", args=[matrix["review"].pk])).status_code == 200
    assert client.get(reverse("reviewing:my_reviews")).status_code == 200
    login(client, staff)
    assert (
        client.get(reverse("reviewing:staff_application", args=[submitted.public_id])).status_code
        == 200
    )


def test_applicants_never_see_reviewers_scores_or_comments(
    client,
    submitted,
    staff,
    reviewer,
    scored_review,
    private_media,
    django_capture_on_commit_callbacks,
):
    staff_comment_add(application=submitted, actor=staff, body="SECRET-STAFF-NOTE")
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            application=submitted, outcome="award", reason="SECRET-REASON", actor=staff
        )
    applicant = submitted.organization.memberships.first().user
    login(client, applicant)
    secrets = [
        reviewer.email,
        reviewer.get_full_name(),
        "SECRET-REVIEW-COMMENT",
        "SECRET-OVERALL",
        "SECRET-STAFF-NOTE",
        "SECRET-REASON",
    ]
    pages = [
        client.get(reverse("application_detail", args=[submitted.public_id])).content.decode(),
        client.get(reverse("portal_home")).content.decode(),
    ]
    pdf = client.get(reverse("application_pdf", args=[submitted.public_id])).getvalue()
    letter = client.get(reverse("reviewing:letter", args=[decision.pk]))
    assert letter.status_code == 200
    texts = pages + [pdf_text(pdf), pdf_text(letter.getvalue())]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    texts += [pdf_text(a[1]) for m in mail.outbox for a in m.attachments]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_honorary_letter_and_escaped_names(submitted, staff, private_media):
    from grants.services.decisions import award_create_honorary

    organization = submitted.organization
    organization.legal_name = "Tacoma <b>Learning</b> & Co"
    organization.save()
    decision = decision_letter_issue(
        decision=award_create_honorary(application=submitted, actor=staff, reason="Honorary.")
    )
    with decision.letter.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Tacoma <b>Learning</b> & Co" in text
    assert "honorary site" in text and "$0.00" in text


def test_letters_are_for_staff_and_the_organization_only(
    client, award, private_media, applicant, reviewer
):
    decision = decision_letter_issue(decision=award)
    url = reverse("reviewing:letter", args=[decision.pk])
    login(client, applicant)
    assert client.get(url).status_code == 200
    for outsider in (reviewer, factories.add_member(factories.OrganizationFactory())):
        login(client, outsider)
        assert client.get(url).status_code == 404


def test_staff_edit_the_rubric_in_the_admin(client, rfp, staff):
    from grants.models import RubricCriterion

    login(client, staff)
    response = client.post(
        reverse("rubriccriterion:add"),
        {"rfp": rfp.pk, "title": "Equity", "guidance": "Who is served?", "position": 1},
    )
    assert response.status_code == 302
    assert RubricCriterion.objects.get(rfp=rfp).title == "Equity"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_decisions_at_once_stay_within_budget(private_media):
    """Three staff award at once through the admin's service; the budget holds one award."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    staff = factories.UserFactory(roles=["program_staff"])
    program = factories.ProgramFactory(budget=Decimal("18000.00"))
    rfp = factories.make_rfp(program=program)
    applications = []
    for _ in range(3):
        organization = factories.OrganizationFactory()
        applications.append(
            application_submit(
                application=factories.make_application(rfp=rfp, organization=organization),
                actor=factories.add_member(organization),
            )
        )
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def decide_one(application):
        barrier.wait()
        try:
            decision_record(application=application, outcome="award", reason="Go.", actor=staff)
            outcomes.append("awarded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_one, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["awarded", "refused", "refused"]
    assert Decision.objects.filter(program=program, status="active").count() == 1
    assert GrantSite.objects.filter(program=program).count() == 1
