"""In the browser: staff assign two reviewers, both declare no conflict and score, staff
award, the letter is made and the coordinator invitation is emailed."""

import pytest
from django.core import mail

from grants.models import Decision, Review, ReviewStatus
from grants.services.applications import application_submit
from grants.services.reviews import rubric_criterion_add
from tests import factories
from tests.auth import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def person(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    return context, context.new_page()


def test_staff_assign_two_reviewers_who_score_then_staff_award(browser, live_server, private_media):
    staff = factories.UserFactory(email="staff@example.org", roles=["program_staff"])
    reviewers = [
        factories.UserFactory(email=f"reviewer{n}@example.org", roles=["reviewer"]) for n in (1, 2)
    ]
    rfp = factories.make_rfp()
    need = rubric_criterion_add(rfp=rfp, title="Need", guidance="Is the need clear?", actor=staff)
    plan = rubric_criterion_add(rfp=rfp, title="Plan", actor=staff)
    organization = factories.OrganizationFactory(legal_name="Cascade Learning Partners")
    application = application_submit(
        application=factories.make_application(rfp=rfp, organization=organization),
        actor=factories.add_member(organization),
    )

    staff_context, staff_page = person(browser, live_server)
    sign_in(staff_page, staff)
    staff_page.goto(f"/admin/reviewing/applications/?rfp={rfp.pk}")
    staff_page.get_by_label("Cascade Learning Partners").check()
    for reviewer in reviewers:
        staff_page.get_by_label(f"{reviewer.get_full_name()} ({reviewer.email})").check()
    staff_page.get_by_role("button", name="Assign").click()
    staff_page.get_by_text("2 new assignment(s) made.").wait_for()
    assert Review.objects.filter(application=application).count() == 2

    for offset, reviewer in enumerate(reviewers):
        context, page = person(browser, live_server)
        sign_in(page, reviewer)
        page.goto("/admin/reviewing/")
        page.get_by_role("link", name="Declare and review Cascade Learning Partners").click()
        page.get_by_label("No, I have no conflict of interest").check()
        page.get_by_role("button", name="Declare").click()
        page.get_by_role("heading", name="Your scores").wait_for()
        page.get_by_label("Score for “Need” (1 to 5)").select_option(str(4 + offset))
        page.get_by_label("Comment on “Need”").fill("The need is well documented.")
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Draft saved.").wait_for()
        page.get_by_label("Score for “Plan” (1 to 5)").select_option("3")
        page.get_by_role("button", name="Submit review").click()
        page.get_by_text("Review submitted.").wait_for()
        context.close()
    assert set(Review.objects.values_list("status", flat=True)) == {ReviewStatus.SUBMITTED}
    assert need.pk and plan.pk

    staff_page.goto(f"/admin/reviewing/applications/{application.public_id}/")
    staff_page.get_by_text("Spread of totals: 1 points").wait_for()
    staff_page.get_by_label("Award", exact=True).check()
    staff_page.get_by_label("Reason").fill("Ranked first by the panel.")
    staff_page.get_by_role("button", name="Record decision").click()
    staff_page.get_by_text("Decision recorded: Award.").wait_for()
    staff_page.reload()
    staff_page.get_by_role("link", name="Download the letter (PDF)").wait_for()
    decision = Decision.objects.get(application=application)
    assert decision.letter and decision.amount == rfp.program.award_amount
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Download the letter (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    invitations = [m for m in mail.outbox if "Site coordinator" in m.subject]
    assert invitations and invitations[0].to == ["casey.contact@example.org"]
    assert "lets you set a password" in invitations[0].body
    assert "http://testserver/" in invitations[0].body
    staff_context.close()
