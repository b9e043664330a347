"""The application in the portal, as its organization's members, staff and everyone else
reach it."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from grants.models import Application, ApplicationStatus, ApplicationStep
from grants.services.applications import application_submit
from grants.services.attachments import application_attachment_add
from tests import factories, uploads
from tests.auth import login

pytestmark = pytest.mark.django_db


def step(application, key):
    return reverse("application_step", args=[application.public_id, key])


def budget_post(lines, action="continue"):
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
        "action": action,
    }
    for n, (category, description, amount) in enumerate(lines):
        data[f"lines-{n}-category"] = category
        data[f"lines-{n}-description"] = description
        data[f"lines-{n}-amount"] = amount
    return data


def test_a_member_fills_every_step_and_submits(
    client, rfp, organization, applicant, private_media, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    start = reverse("application_start", args=[rfp.pk])
    assert client.get(start).status_code == 200
    response = client.post(start, {"organization": organization.slug})
    application = Application.objects.get(rfp=rfp, organization=organization)
    assert response["Location"] == step(application, ApplicationStep.ORGANIZATION)

    client.post(
        step(application, "organization"),
        {
            "title": "Computer science for every fourth grader",
            "contact_name": "Casey Contact",
            "contact_title": "Director",
            "contact_email": "casey@example.org",
            "contact_phone": "360-555-0100",
            "action": "continue",
        },
    )
    ecs = factories.content_area("ECS")
    client.post(step(application, "content_areas"), {"content_areas": [ecs.pk]})
    partners = [
        factories.district("Tumwater School District"),
        factories.district("Yelm School District"),
    ]
    client.post(step(application, "partners"), {"partner_districts": [d.pk for d in partners]})
    questions = list(rfp.narrative_questions.all())
    client.post(
        step(application, "narrative"),
        {f"question_{q.pk}": f"Answer to {q.prompt}" for q in questions},
    )
    response = client.post(
        step(application, "budget"),
        budget_post([("stipends", "Stipends", "$4,000"), ("personnel", "Coordinator", "14000.00")]),
    )
    assert response["Location"] == step(application, "attachments")
    client.post(step(application, "attachments"), {"label": "Letter", "file": uploads.pdf()})
    response = client.post(step(application, "attachments"), {"action": "continue"})
    assert response["Location"] == step(application, "review")

    review = client.get(step(application, "review"))
    assert "Everything the RFP asks for is here" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step(application, "review"), {"confirm": "on"})
    assert response["Location"] == reverse("application_detail", args=[application.public_id])

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.contact_phone == "360-555-0100"
    assert set(application.partner_districts.all()) == set(partners)
    assert application.budget_total == rfp.program.award_amount
    assert application.attachments.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted({applicant.email, "casey@example.org"})
    assert str(application.public_id) in mail.outbox[0].body, "the email links to the application"


def test_a_failed_step_shows_everything_typed_and_saves_nothing(
    client, draft, applicant, unchanged
):
    client.force_login(applicant)
    with unchanged():
        response = client.post(
            step(draft, "organization"),
            {
                "title": "Typed title",
                "contact_name": "Typed Name",
                "contact_email": "not-an-email",
                "action": "continue",
            },
        )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in body
    for typed in ("Typed title", "Typed Name", "not-an-email"):
        assert f'value="{typed}"' in body


def test_a_too_long_answer_keeps_every_answer_typed(client, draft, applicant, unchanged):
    first, second = draft.rfp.narrative_questions.all()
    first.max_words = 5
    first.save()
    client.force_login(applicant)
    with unchanged():
        response = client.post(
            step(draft, "narrative"),
            {
                f"question_{first.pk}": "one two three four five six",
                f"question_{second.pk}": "Kept.",
            },
        )
    body = response.content.decode()
    assert "Keep this answer to 5 words; it has 6." in body
    assert "one two three four five six" in body and "Kept." in body


def test_a_bad_budget_line_keeps_the_lines_typed(client, draft, applicant, unchanged):
    client.force_login(applicant)
    with unchanged():
        response = client.post(
            step(draft, "budget"),
            budget_post([("stipends", "Stipends", "4000"), ("", "Coordinator", "lots")]),
        )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 2, amount ($): Enter dollars and cents" in body
    assert "Line 2, category: Choose a category" in body
    assert 'value="Coordinator"' in body and 'value="lots"' in body


def test_a_saved_budget_that_does_not_add_up_is_kept_and_flagged(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(
        step(draft, "budget"), budget_post([("personnel", "Coordinator", "1000")]), follow=True
    )
    body = response.content.decode()
    assert "it must equal the award amount of $18,000.00" in body
    assert "Include a participant stipends line" in body
    assert draft.budget_lines.get().amount == 1000


def test_reload_shows_the_saved_draft(client, draft, applicant):
    client.force_login(applicant)
    client.post(
        step(draft, "organization"),
        {"title": "Saved title", "contact_name": "Saved Name", "contact_email": "s@example.org"},
    )
    body = client.get(step(draft, "organization")).content.decode()
    assert 'value="Saved title"' in body and 'value="s@example.org"' in body
    answers = client.get(step(draft, "narrative")).content.decode()
    assert "A considered answer." in answers


def test_review_lists_every_problem_and_submission_keeps_the_draft(
    client, rfp, organization, applicant, unchanged
):
    application = Application.objects.create(rfp=rfp, organization=organization)
    client.force_login(applicant)
    review = client.get(step(application, "review")).content.decode()
    for problem in (
        "Add a contact name.",
        "Choose at least one content area.",
        "Answer the question",
        "Include a participant stipends line",
    ):
        assert problem in review
    with unchanged():
        response = client.post(step(application, "review"), {"confirm": "on"})
    assert response.status_code == 400
    assert "Add a contact email." in response.content.decode()


def test_after_the_deadline_the_draft_is_kept_with_a_clear_message(
    client, draft, applicant, unchanged
):
    client.force_login(applicant)
    draft.rfp.closes_at = timezone.now() - timedelta(minutes=1)
    draft.rfp.opens_at = timezone.now() - timedelta(days=3)
    draft.rfp.save()
    with unchanged():
        response = client.post(step(draft, "review"), {"confirm": "on"})
    assert "The deadline has passed" in response.content.decode()
    assert "Your draft is saved." in response.content.decode()


def test_a_submitted_application_is_no_longer_a_form(client, submitted, applicant):
    client.force_login(applicant)
    response = client.get(step(submitted, "narrative"))
    assert response["Location"] == reverse("application_detail", args=[submitted.public_id])


def test_start_continues_an_existing_draft(client, draft, applicant):
    client.force_login(applicant)
    response = client.get(reverse("application_start", args=[draft.rfp.pk]))
    assert response["Location"] == step(draft, draft.current_step)


def test_start_explains_an_ineligible_organization(client, program, organization, applicant):
    rfp = factories.make_rfp(program=program, org_types=["school_district"], slug="lea-only")
    client.force_login(applicant)
    body = client.get(reverse("application_start", args=[rfp.pk])).content.decode()
    assert "Community organization organizations are not eligible" in body


def test_start_asks_people_without_an_organization_to_create_or_join(client, rfp):
    client.force_login(factories.UserFactory())
    body = client.get(reverse("application_start", args=[rfp.pk])).content.decode()
    assert "register your organization" in body and "ask to join it" in body


def test_start_asks_unverified_people_to_confirm_first(client, rfp, organization):
    user = factories.add_member(organization, factories.UserFactory(email_verified_at=None))
    client.force_login(user)
    body = client.get(reverse("application_start", args=[rfp.pk])).content.decode()
    assert "Confirm your email address first" in body


def test_the_pdf_copy_is_the_submitted_application(client, submitted, applicant):
    submitted.answers.update(answer="Nguyễn Thị Lan leads our <b>cohort</b>.")
    client.force_login(applicant)
    response = client.get(reverse("application_pdf", args=[submitted.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert submitted.organization.legal_name in text
    assert "Nguyễn Thị Lan leads our <b>cohort</b>." in text
    assert "$18,000.00" in text


def test_a_draft_has_no_pdf(client, draft, applicant):
    client.force_login(applicant)
    assert client.get(reverse("application_pdf", args=[draft.public_id])).status_code == 404


def test_staff_download_the_pdf_and_attachments(client, draft, applicant, staff, private_media):
    attachment = application_attachment_add(
        application=draft, upload=uploads.docx(), actor=applicant
    )
    application_submit(application=draft, actor=applicant)
    login(client, staff)
    assert client.get(reverse("application_pdf", args=[draft.public_id])).status_code == 200
    response = client.get(reverse("application_attachment", args=[draft.public_id, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_members_download_attachments_only_through_their_application(
    client, draft, applicant, private_media
):
    attachment = application_attachment_add(
        application=draft, upload=uploads.pdf(), actor=applicant
    )
    other = factories.make_application(rfp=draft.rfp)
    factories.add_member(other.organization, applicant)
    client.force_login(applicant)
    own = reverse("application_attachment", args=[draft.public_id, attachment.pk])
    assert client.get(own).status_code == 200
    # Another application's URL cannot reach this attachment.
    crossed = reverse("application_attachment", args=[other.public_id, attachment.pk])
    assert client.get(crossed).status_code == 404


def test_every_application_url_is_404_for_another_organizations_member(
    client, draft, applicant, private_media, unchanged
):
    attachment = application_attachment_add(
        application=draft, upload=uploads.pdf(), actor=applicant
    )
    submitted = factories.make_application(
        rfp=factories.make_rfp(slug="second"), organization=draft.organization
    )
    application_submit(application=submitted, actor=applicant)
    outsider = factories.add_member(factories.OrganizationFactory())
    client.force_login(outsider)
    gets = [
        reverse("application_detail", args=[draft.public_id]),
        *[step(draft, key) for key in ApplicationStep.values],
        reverse("application_withdraw", args=[submitted.public_id]),
        reverse("application_pdf", args=[submitted.public_id]),
        reverse("application_attachment", args=[draft.public_id, attachment.pk]),
    ]
    posts = [
        *[step(draft, key) for key in ApplicationStep.values],
        reverse("application_withdraw", args=[submitted.public_id]),
        reverse("application_attachment_remove", args=[draft.public_id, attachment.pk]),
    ]
    with unchanged():
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"confirm": "on", "action": "continue"}).status_code == 404, url
        response = client.post(
            reverse("application_start", args=[draft.rfp.pk]),
            {"organization": draft.organization.slug},
        )
        assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(reverse("application_detail", args=[draft.public_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_withdraws_until_a_decision(client, submitted, applicant):
    client.force_login(applicant)
    url = reverse("application_withdraw", args=[submitted.public_id])
    assert "Withdraw the application?" in client.get(url).content.decode()
    client.post(url, {"reason": "Timing"})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN
    detail = client.get(reverse("application_detail", args=[submitted.public_id])).content.decode()
    assert "Withdrawn" in detail and "Timing" in detail


def test_a_decided_application_cannot_be_withdrawn(client, award, applicant, unchanged):
    application = award.application
    client.force_login(applicant)
    with unchanged():
        response = client.post(
            reverse("application_withdraw", args=[application.public_id]), follow=True
        )
    assert "cannot be withdrawn" in response.content.decode()


def test_staff_may_read_but_never_withdraw(client, submitted, staff, unchanged):
    login(client, staff)
    assert client.get(reverse("application_detail", args=[submitted.public_id])).status_code == 200
    with unchanged():
        response = client.post(reverse("application_withdraw", args=[submitted.public_id]))
    assert response.status_code == 404


def test_the_dashboard_shows_status_and_history(client, submitted, applicant, staff):
    from grants.services.decisions import award_create

    award_create(application=submitted, actor=staff, reason="Panel notes: top score")
    client.force_login(applicant)
    body = client.get(reverse("portal_home")).content.decode()
    assert "Awarded" in body and "Submitted" in body
    assert "Panel notes" not in body and staff.email not in body


def test_dashboard_queries_do_not_grow_with_applications(
    client, applicant, organization, django_assert_max_num_queries
):
    def add(n):
        rfp = factories.make_rfp(slug=f"rfp-{n}")
        application_submit(
            application=factories.make_application(rfp=rfp, organization=organization),
            actor=applicant,
        )

    add(0)
    client.force_login(applicant)
    client.get(reverse("portal_home"))
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("portal_home"))
    for n in range(1, 6):
        add(n)
    with django_assert_max_num_queries(len(one.captured_queries)) as six:
        response = client.get(reverse("portal_home"))
    assert response.content.decode().count('data-application="') == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_members_reach_the_decision_letter_from_the_application_page(
    client, award, applicant, staff, private_media
):
    from grants.services.letters import decision_letter_issue

    detail = reverse("application_detail", args=[award.application.public_id])
    login(client, applicant)
    assert "decision letter" not in client.get(detail).content.decode()
    decision = decision_letter_issue(decision=award)
    letter_url = reverse("reviewing:letter", args=[decision.pk])
    for person in (applicant, staff):
        login(client, person)
        page = client.get(detail).content.decode()
        assert f'href="{letter_url}"' in page
        response = client.get(letter_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.getvalue().startswith(b"%PDF")


def test_the_letter_link_is_not_shown_to_reviewers_and_404s_for_other_members(
    client, submitted, staff, reviewer, private_media, unchanged
):
    from grants.services.decisions import award_create
    from grants.services.letters import decision_letter_issue
    from grants.services.reviews import review_assign, review_declare

    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    review_declare(review=review, actor=reviewer, conflict=False)
    award = award_create(application=submitted, actor=staff, reason="Strong proposal.")
    decision = decision_letter_issue(decision=award)
    letter_url = reverse("reviewing:letter", args=[decision.pk])
    detail = reverse("application_detail", args=[award.application.public_id])
    outsider = factories.add_member(factories.OrganizationFactory())
    login(client, reviewer)
    page = client.get(detail)
    assert page.status_code == 200
    assert letter_url not in page.content.decode()
    login(client, outsider)
    with unchanged():
        assert client.get(detail).status_code == 404
        assert client.get(letter_url).status_code == 404


def test_a_reversed_decisions_letter_is_not_offered(client, award, applicant, private_media):
    from grants.services.decisions import decision_reverse
    from grants.services.letters import decision_letter_issue

    decision = decision_letter_issue(decision=award)
    decision_reverse(decision=decision, actor=award.decided_by, reason="Budget error.")
    login(client, applicant)
    page = client.get(reverse("application_detail", args=[award.application.public_id]))
    assert reverse("reviewing:letter", args=[decision.pk]) not in page.content.decode()
