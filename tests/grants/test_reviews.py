"""Reviewer assignment, conflict declarations, scoring, aggregates and staff comments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import (
    AuditEntry,
    CommentVisibility,
    ConflictDeclaration,
    CriterionScore,
    Review,
    ReviewStatus,
    RubricCriterion,
)
from grants.permissions import can_view_application
from grants.selectors.reviews import review_aggregates, reviewer_assignments
from grants.services.applications import application_submit
from grants.services.comments import staff_comment_add, staff_comment_edit
from grants.services.reviews import (
    review_assign,
    review_declare,
    review_save,
    review_unassign,
    reviews_assign_bulk,
    rubric_criterion_add,
)
from tests import factories
from tests.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(rfp, staff):
    return [
        rubric_criterion_add(rfp=rfp, title=title, guidance="Read closely.", actor=staff)
        for title in ("Need", "Plan", "Capacity")
    ]


@pytest.fixture
def second_reviewer(db):
    return factories.UserFactory(email="second.reviewer@example.org", roles=["reviewer"])


def another_submitted(rfp, name="Other Partners"):
    organization = factories.OrganizationFactory(legal_name=name)
    member = factories.add_member(organization)
    application = factories.make_application(rfp=rfp, organization=organization)
    return application_submit(application=application, actor=member)


def scored(review, reviewer, values, *, submit=True):
    criteria = list(RubricCriterion.objects.filter(rfp_id=review.application.rfp_id))
    return review_save(
        review=review,
        actor=reviewer,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        comments={c.pk: f"Comment on {c.title}" for c in criteria},
        overall_comment="Overall fine.",
        submit=submit,
    )


def declared_review(application, reviewer, staff, *, conflict=False):
    review = review_assign(application=application, reviewer=reviewer, actor=staff)
    return review_declare(
        review=review, actor=reviewer, conflict=conflict, note="My employer." if conflict else ""
    )


# Assignment ------------------------------------------------------------------------------


def test_staff_assign_one_reviewer_once(submitted, reviewer, staff, unchanged):
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    assert review.status == ReviewStatus.ASSIGNED
    assert review.conflict == ConflictDeclaration.UNDECLARED
    assert AuditEntry.objects.filter(action="review.assigned", object_id=str(review.pk)).exists()
    with unchanged(), pytest.raises(ValidationError, match="already assigned"):
        review_assign(application=submitted, reviewer=reviewer, actor=staff)


def test_only_panel_reviewers_outside_the_organization_are_assigned(
    submitted, applicant, staff, unchanged
):
    outsider = factories.UserFactory()
    with unchanged(), pytest.raises(ValidationError, match="not on the review panel"):
        review_assign(application=submitted, reviewer=outsider, actor=staff)
    member_reviewer = factories.add_member(
        submitted.organization, factories.UserFactory(roles=["reviewer"])
    )
    with unchanged(), pytest.raises(ValidationError, match="belongs to"):
        review_assign(application=submitted, reviewer=member_reviewer, actor=staff)


def test_drafts_are_not_reviewed(draft, reviewer, staff, unchanged):
    with unchanged(), pytest.raises(ValidationError, match="Only a submitted application"):
        review_assign(application=draft, reviewer=reviewer, actor=staff)


def test_bulk_assignment_is_all_or_nothing_and_skips_existing_pairs(
    rfp, submitted, reviewer, second_reviewer, staff, unchanged
):
    other = another_submitted(rfp)
    review_assign(application=submitted, reviewer=reviewer, actor=staff)
    created = reviews_assign_bulk(
        applications=[submitted, other], reviewers=[reviewer, second_reviewer], actor=staff
    )
    assert len(created) == 3
    assert Review.objects.count() == 4
    outsider = factories.UserFactory()
    third = another_submitted(rfp, name="Third Partners")
    with unchanged(), pytest.raises(ValidationError, match="not on the review panel"):
        reviews_assign_bulk(
            applications=[third], reviewers=[second_reviewer, outsider], actor=staff
        )
    with unchanged(), pytest.raises(ValidationError, match="at least one"):
        reviews_assign_bulk(applications=[], reviewers=[reviewer], actor=staff)


def test_staff_bulk_assign_in_the_admin(client, rfp, submitted, reviewer, second_reviewer, staff):
    other = another_submitted(rfp)
    login(client, staff)
    url = reverse("reviewing:staff_applications")
    response = client.post(
        f"{url}?rfp={rfp.pk}",
        {"applications": [submitted.pk, other.pk], "reviewers": [reviewer.pk, second_reviewer.pk]},
    )
    assert response.status_code == 302
    assert Review.objects.filter(application__in=[submitted, other]).count() == 4
    refused = client.post(f"{url}?rfp={rfp.pk}", {"applications": [submitted.pk]})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()


# Conflict of interest --------------------------------------------------------------------


def test_reviewer_must_declare_before_seeing_the_application(
    client, submitted, reviewer, staff, criteria
):
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    assert not can_view_application(reviewer, submitted)
    login(client, reviewer)
    page = client.get(reverse("reviewing:review", args=[review.pk])).content.decode()
    assert "conflict of interest" in page
    assert "A considered answer." not in page  # the narrative is not shown yet
    response = client.post(reverse("reviewing:review", args=[review.pk]), {"conflict": "no"})
    assert response.status_code == 302
    page = client.get(reverse("reviewing:review", args=[review.pk])).content.decode()
    assert "A considered answer." in page
    assert can_view_application(reviewer, submitted)


def test_conflict_blocks_access_and_scoring_and_staff_see_it(
    client, submitted, reviewer, staff, criteria, unchanged
):
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="what the conflict is"):
        review_declare(review=review, actor=reviewer, conflict=True, note=" ")
    review = review_declare(review=review, actor=reviewer, conflict=True, note="My employer.")
    assert review.status == ReviewStatus.RECUSED
    assert not can_view_application(reviewer, submitted)
    with unchanged(), pytest.raises(ValidationError, match="no conflict"):
        scored(review, reviewer, [5, 5, 5])
    with unchanged(), pytest.raises(ValidationError, match="already declared"):
        review_declare(review=review, actor=reviewer, conflict=False)
    login(client, reviewer)
    assert client.get(reverse("reviewing:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("application_detail", args=[submitted.public_id])).status_code == 404
    login(client, staff)
    page = client.get(
        reverse("reviewing:staff_application", args=[submitted.public_id])
    ).content.decode()
    assert "Conflict of interest: My employer." in page


def test_only_the_assigned_reviewer_declares(
    submitted, reviewer, second_reviewer, staff, unchanged
):
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="assigned reviewer"):
        review_declare(review=review, actor=second_reviewer, conflict=False)


# Scoring --------------------------------------------------------------------------------


def test_scores_save_as_draft_then_submit(submitted, reviewer, staff, criteria, unchanged):
    review = declared_review(submitted, reviewer, staff)
    review = scored(review, reviewer, [4, None, 2], submit=False)
    assert review.status == ReviewStatus.IN_PROGRESS
    with unchanged(), pytest.raises(ValidationError) as refused:
        scored(review, reviewer, [4, None, 2])
    assert "before submitting" in str(refused.value)
    with unchanged(), pytest.raises(ValidationError, match="from 1 to 5"):
        scored(review, reviewer, [4, 6, 2], submit=False)
    review = scored(review, reviewer, [4, 3, 2])
    assert review.status == ReviewStatus.SUBMITTED and review.total == 9
    with unchanged(), pytest.raises(ValidationError, match="submitted"):
        scored(review, reviewer, [1, 1, 1])


# Unassigning ------------------------------------------------------------------------------


def test_staff_unassign_a_reviewer_and_their_draft_review_goes_with_it(
    submitted, reviewer, second_reviewer, staff, criteria
):
    untouched = review_assign(application=submitted, reviewer=second_reviewer, actor=staff)
    draft = scored(
        declared_review(submitted, reviewer, staff), reviewer, [4, None, 2], submit=False
    )
    review_unassign(review=draft, actor=staff)
    review_unassign(review=untouched, actor=staff)
    assert not Review.objects.filter(application=submitted).exists()
    assert not CriterionScore.objects.filter(review_id=draft.pk).exists()
    entry = AuditEntry.objects.get(action="review.unassigned", object_id=str(draft.pk))
    assert entry.actor == staff
    assert entry.before["reviewer"] == reviewer.email
    assert entry.before["status"] == ReviewStatus.IN_PROGRESS
    assert entry.before["draft_scores"] == {"Need": 4, "Capacity": 2}
    assert entry.after == {"status": "removed"}
    # Once off the application, the reviewer no longer sees it and can be assigned again.
    assert not can_view_application(reviewer, submitted)
    assert review_assign(application=submitted, reviewer=reviewer, actor=staff).pk != draft.pk


def test_a_submitted_review_or_a_recusal_cannot_be_unassigned(
    submitted, reviewer, second_reviewer, staff, criteria, unchanged
):
    submitted_review = scored(declared_review(submitted, reviewer, staff), reviewer, [4, 3, 2])
    recused = declared_review(submitted, second_reviewer, staff, conflict=True)
    with unchanged(), pytest.raises(ValidationError, match="has submitted their review"):
        review_unassign(review=submitted_review, actor=staff)
    with unchanged(), pytest.raises(ValidationError, match="conflict of interest"):
        review_unassign(review=recused, actor=staff)


def test_staff_unassign_from_the_application_page(
    client, submitted, reviewer, second_reviewer, staff, criteria, unchanged
):
    kept = scored(declared_review(submitted, reviewer, staff), reviewer, [4, 3, 2])
    removable = review_assign(application=submitted, reviewer=second_reviewer, actor=staff)
    login(client, staff)
    page = reverse("reviewing:staff_application", args=[submitted.public_id])
    content = client.get(page).content.decode()
    assert reverse("reviewing:unassign", args=[submitted.public_id, removable.pk]) in content
    assert reverse("reviewing:unassign", args=[submitted.public_id, kept.pk]) not in content
    assert "Submitted reviews stay on the record" in content
    with unchanged():
        refused = client.post(
            reverse("reviewing:unassign", args=[submitted.public_id, kept.pk]), follow=True
        )
    assert "has submitted their review" in refused.content.decode()
    response = client.post(reverse("reviewing:unassign", args=[submitted.public_id, removable.pk]))
    assert response.status_code == 302 and response["Location"] == page
    assert list(Review.objects.filter(application=submitted)) == [kept]


def test_a_review_of_another_application_is_404_to_unassign(
    client, rfp, submitted, reviewer, staff
):
    review = review_assign(application=submitted, reviewer=reviewer, actor=staff)
    other = another_submitted(rfp)
    # Checked by hand rather than with "unchanged": a first admin 404 page makes the
    # person's Wagtail profile, which is not a change to the review.
    attempts = [
        (staff, reverse("reviewing:unassign", args=[other.public_id, review.pk])),
        (reviewer, reverse("reviewing:unassign", args=[submitted.public_id, review.pk])),
    ]
    for person, url in attempts:
        login(client, person)
        assert client.post(url).status_code == 404
        assert Review.objects.filter(pk=review.pk).exists()
    assert not AuditEntry.objects.filter(action="review.unassigned").exists()


def test_reviewer_scores_in_the_admin(client, submitted, reviewer, staff, criteria):
    review = declared_review(submitted, reviewer, staff)
    login(client, reviewer)
    url = reverse("reviewing:review", args=[review.pk])
    fields = {f"score_{c.pk}": "3" for c in criteria} | {f"comment_{criteria[0].pk}": "Solid."}
    fields[f"score_{criteria[1].pk}"] = ""
    assert client.post(url, {**fields, "save": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS
    refused = client.post(url, {**fields, "submit": "1"})
    assert refused.status_code == 200
    assert "before submitting" in refused.content.decode()
    fields[f"score_{criteria[1].pk}"] = "5"
    assert client.post(url, {**fields, "submit": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.scores.get(criterion=criteria[0]).comment == "Solid."


def test_reviewers_see_only_their_assignments(
    client, rfp, submitted, reviewer, second_reviewer, staff
):
    other = another_submitted(rfp, name="Not Yours Partners")
    review_assign(application=submitted, reviewer=reviewer, actor=staff)
    theirs = review_assign(application=other, reviewer=second_reviewer, actor=staff)
    assert [r.application for r in reviewer_assignments(reviewer)] == [submitted]
    login(client, reviewer)
    page = client.get(reverse("reviewing:my_reviews")).content.decode()
    assert submitted.organization.legal_name in page
    assert "Not Yours Partners" not in page
    assert client.get(reverse("reviewing:review", args=[theirs.pk])).status_code == 404


def test_aggregate_mean_per_criterion_total_and_spread(
    client, submitted, reviewer, second_reviewer, staff, criteria
):
    scored(declared_review(submitted, reviewer, staff), reviewer, [5, 4, 3])
    scored(declared_review(submitted, second_reviewer, staff), second_reviewer, [3, 2, 1])
    draft_reviewer = factories.UserFactory(roles=["reviewer"])
    scored(
        declared_review(submitted, draft_reviewer, staff), draft_reviewer, [1, 1, 1], submit=False
    )
    aggregate = review_aggregates([submitted])[submitted.pk]
    assert aggregate.submitted == 2 and aggregate.assigned == 3
    assert [(c.mean, c.low, c.high) for c in aggregate.criteria] == [
        (4.0, 3, 5),
        (3.0, 2, 4),
        (2.0, 1, 3),
    ]
    assert aggregate.totals == [6, 12]
    assert (aggregate.mean_total, aggregate.spread, aggregate.stdev_total) == (9.0, 6, 3.0)
    login(client, staff)
    page = client.get(
        reverse("reviewing:staff_application", args=[submitted.public_id])
    ).content.decode()
    assert "<strong>9.0</strong>" in page
    assert "Spread of totals: 6 points" in page
    assert reviewer.email in page and second_reviewer.email in page


# Staff comments -------------------------------------------------------------------------


def test_comments_are_staff_only_by_default_and_stay_so_when_edited(
    client, submitted, staff, reviewer, applicant, unchanged
):
    comment = staff_comment_add(application=submitted, actor=staff, body="Check the budget.")
    assert comment.visibility == CommentVisibility.STAFF
    comment = staff_comment_edit(comment=comment, actor=staff, body="Budget checked.")
    assert comment.visibility == CommentVisibility.STAFF and comment.edited_at
    with unchanged(), pytest.raises(ValidationError, match="Write the comment"):
        staff_comment_edit(comment=comment, actor=staff, body=" ")
    other_staff = factories.UserFactory(roles=["program_staff"])
    with unchanged(), pytest.raises(ValidationError, match="author"):
        staff_comment_edit(comment=comment, actor=other_staff, body="Mine now.")
    with unchanged(), pytest.raises(ValidationError, match="Only program staff"):
        staff_comment_add(application=submitted, actor=reviewer, body="Hi.")
    login(client, applicant)
    page = client.get(reverse("application_detail", args=[submitted.public_id])).content.decode()
    assert "Budget checked." not in page


def test_staff_comment_in_the_admin_keeps_visibility_on_edit(client, submitted, staff):
    login(client, staff)
    response = client.post(
        reverse("reviewing:comment", args=[submitted.public_id]),
        {"body": "Call the contact.", "visibility": "staff"},
    )
    assert response.status_code == 302
    comment = submitted.staff_comments.get()
    response = client.post(
        reverse("reviewing:comment_edit", args=[comment.pk]),
        {"body": "Called.", "visibility": "panel"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.visibility) == ("Called.", "staff")


def test_reviewers_see_only_comments_shared_with_the_panel(
    client, submitted, reviewer, staff, criteria
):
    review = declared_review(submitted, reviewer, staff)
    staff_comment_add(application=submitted, actor=staff, body="Staff eyes only.")
    staff_comment_add(
        application=submitted, actor=staff, body="Panel, note the ESD.", visibility="panel"
    )
    login(client, reviewer)
    page = client.get(reverse("reviewing:review", args=[review.pk])).content.decode()
    assert "Panel, note the ESD." in page and "Staff eyes only." not in page


# The rubric is locked once scoring starts ------------------------------------------------


def test_the_rubric_is_editable_until_a_score_is_saved(
    client, submitted, reviewer, staff, criteria
):
    from grants.permissions import can_change_rubric

    # Assigned and declared, but nothing scored yet: staff still shape the rubric.
    review = declared_review(submitted, reviewer, staff)
    assert can_change_rubric(submitted.rfp_id)
    login(client, staff)
    edit = reverse("rubriccriterion:edit", args=[criteria[0].pk])
    fields = {"rfp": submitted.rfp_id, "title": "Need, renamed", "guidance": "", "position": 0}
    assert client.post(edit, fields).status_code == 302
    assert client.post(reverse("rubriccriterion:delete", args=[criteria[2].pk])).status_code == 302
    assert not RubricCriterion.objects.filter(pk=criteria[2].pk).exists()
    rubric_criterion_add(rfp=submitted.rfp, title="Equity", actor=staff)
    assert review_save(review=review, actor=reviewer, scores={}, comments={})
    # An empty draft (no score yet) does not lock the rubric either.
    assert can_change_rubric(submitted.rfp_id)


def test_a_draft_score_locks_the_rubric_in_the_admin_and_the_service(
    client, rfp, submitted, reviewer, staff, criteria, unchanged
):
    scored(declared_review(submitted, reviewer, staff), reviewer, [3, None, None], submit=False)
    other_rfp = factories.make_rfp(slug="unscored")
    login(client, staff)
    client.get(reverse("rubriccriterion:index"))
    message = "started scoring applications to this RFP"
    edit = reverse("rubriccriterion:edit", args=[criteria[0].pk])
    change = {"rfp": rfp.pk, "title": "Need, renamed", "guidance": "", "position": 0}
    with unchanged():
        assert message in client.post(edit, change).content.decode()
        # Moving a criterion to another, unscored RFP changes the scored rubric too.
        assert message in client.post(edit, change | {"rfp": other_rfp.pk}).content.decode()
        added = client.post(
            reverse("rubriccriterion:add"),
            {"rfp": rfp.pk, "title": "Equity", "guidance": "", "position": 3},
        )
        assert message in added.content.decode()
        deleted = client.post(reverse("rubriccriterion:delete", args=[criteria[2].pk]), follow=True)
        assert message in deleted.content.decode()
        with pytest.raises(ValidationError, match=message):
            rubric_criterion_add(rfp=rfp, title="Equity", actor=staff)
    # Another RFP's rubric is not locked by these scores.
    assert rubric_criterion_add(rfp=other_rfp, title="Equity", actor=staff).rfp_id == other_rfp.pk
