"""Reads for reviewing and deciding: a reviewer's assignments, the aggregate of each
application's submitted reviews, and the decision dashboard of a program."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from grants.models import (
    Application,
    ApplicationStatus,
    CommentVisibility,
    ContentArea,
    CriterionScore,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    OrganizationType,
    Program,
    Review,
    ReviewStatus,
    RubricCriterion,
    StaffComment,
)


def reviewer_assignments(user):
    """The reviews assigned to ``user``, and nothing else: a reviewer sees only these."""
    return (
        Review.objects.filter(reviewer=user)
        .select_related("application__organization", "application__rfp")
        .order_by("status", "application__organization__legal_name")
    )


@dataclass
class CriterionAggregate:
    criterion: RubricCriterion
    mean: float | None
    low: int | None
    high: int | None


@dataclass
class ReviewAggregate:
    """The submitted reviews of one application: per-criterion mean and range, and the
    mean, range and standard deviation of the reviewers' totals (the spread)."""

    submitted: int = 0
    assigned: int = 0
    recused: int = 0
    criteria: list[CriterionAggregate] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    max_total: int = 0

    @property
    def mean_total(self) -> float | None:
        return round(statistics.fmean(self.totals), 2) if self.totals else None

    @property
    def low_total(self) -> int | None:
        return min(self.totals) if self.totals else None

    @property
    def high_total(self) -> int | None:
        return max(self.totals) if self.totals else None

    @property
    def spread(self) -> int | None:
        return self.high_total - self.low_total if self.totals else None

    @property
    def stdev_total(self) -> float | None:
        return round(statistics.pstdev(self.totals), 2) if self.totals else None


def review_aggregates(applications) -> dict[int, ReviewAggregate]:
    """The aggregate of every application's submitted reviews, in three queries however
    many applications there are. Drafts and recused reviews never count."""
    applications = list(applications)
    ids = [a.pk for a in applications]
    criteria_by_rfp = defaultdict(list)
    for criterion in RubricCriterion.objects.filter(rfp_id__in={a.rfp_id for a in applications}):
        criteria_by_rfp[criterion.rfp_id].append(criterion)
    scores = defaultdict(lambda: defaultdict(list))  # application -> criterion -> scores
    totals = defaultdict(lambda: defaultdict(int))  # application -> review -> total
    for row in CriterionScore.objects.filter(
        review__application_id__in=ids,
        review__status=ReviewStatus.SUBMITTED,
        score__isnull=False,
    ).values("review_id", "review__application_id", "criterion_id", "score"):
        application_id = row["review__application_id"]
        scores[application_id][row["criterion_id"]].append(row["score"])
        totals[application_id][row["review_id"]] += row["score"]
    counts = Counter()
    for application_id, status in Review.objects.filter(application_id__in=ids).values_list(
        "application_id", "status"
    ):
        counts[(application_id, status)] += 1
    result = {}
    for application in applications:
        criteria = criteria_by_rfp[application.rfp_id]
        by_criterion = scores[application.pk]
        result[application.pk] = ReviewAggregate(
            submitted=counts[(application.pk, ReviewStatus.SUBMITTED)],
            recused=counts[(application.pk, ReviewStatus.RECUSED)],
            assigned=sum(counts[(application.pk, s)] for s in ReviewStatus.values),
            criteria=[
                CriterionAggregate(
                    criterion=criterion,
                    mean=round(statistics.fmean(by_criterion[criterion.pk]), 2)
                    if by_criterion[criterion.pk]
                    else None,
                    low=min(by_criterion[criterion.pk], default=None),
                    high=max(by_criterion[criterion.pk], default=None),
                )
                for criterion in criteria
            ],
            totals=sorted(totals[application.pk].values()),
            max_total=5 * len(criteria),
        )
    return result


def application_reviews_for_staff(application):
    """Every review of an application, with its reviewer and scores, for program staff."""
    return (
        Review.objects.filter(application=application)
        .select_related("reviewer", "assigned_by")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
        .order_by("created_at")
    )


def comments_for(application, *, staff: bool):
    """Internal comments a reader may see: staff see all; a reviewer only those shared
    with the panel. Applicants are never given this."""
    comments = StaffComment.objects.filter(application=application).select_related("author")
    if not staff:
        comments = comments.filter(visibility=CommentVisibility.PANEL)
    return comments


@dataclass
class DashboardRow:
    rank: int | None
    application: Application
    aggregate: ReviewAggregate
    decision: Decision | None


@dataclass
class Dashboard:
    program: Program
    rows: list[DashboardRow]
    budget: Decimal
    used: Decimal
    remaining: Decimal
    by_content_area: list[tuple[str, int, int]]
    by_org_type: list[tuple[str, int, int]]
    outcome_counts: dict[str, int]


def decision_dashboard(program: Program) -> Dashboard:
    """The program's applications ranked by mean total score (unscored last), with each
    one's decision in effect, budget used and remaining, and counts of applications and
    awards by content area and organization type. A fixed number of queries."""
    applications = list(
        Application.objects.filter(rfp__program=program)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("organization", "rfp")
        .prefetch_related("content_areas")
    )
    aggregates = review_aggregates(applications)
    decisions = {
        d.application_id: d
        for d in Decision.objects.filter(application__in=applications, status=DecisionStatus.ACTIVE)
    }
    applications.sort(
        key=lambda a: (
            aggregates[a.pk].mean_total is None,
            -(aggregates[a.pk].mean_total or 0),
            a.organization.legal_name,
        )
    )
    rows, rank = [], 0
    for application in applications:
        aggregate = aggregates[application.pk]
        if aggregate.mean_total is not None:
            rank += 1
        rows.append(
            DashboardRow(
                rank=rank if aggregate.mean_total is not None else None,
                application=application,
                aggregate=aggregate,
                decision=decisions.get(application.pk),
            )
        )
    awarded = {pk for pk, d in decisions.items() if d.is_award}
    area_apps, area_awards = Counter(), Counter()
    type_apps, type_awards = Counter(), Counter()
    for application in applications:
        for area in application.content_areas.all():
            area_apps[area.code] += 1
            area_awards[area.code] += application.pk in awarded
        type_apps[application.organization.org_type] += 1
        type_awards[application.organization.org_type] += application.pk in awarded
    areas = ContentArea.objects.filter(code__in=area_apps.keys()).order_by("position")
    used = sum(
        (d.amount for d in decisions.values() if d.outcome == DecisionOutcome.AWARD),
        Decimal("0.00"),
    )
    return Dashboard(
        program=program,
        rows=rows,
        budget=program.budget,
        used=used,
        remaining=program.budget - used,
        by_content_area=[
            (f"{a.name} ({a.code})", area_apps[a.code], area_awards[a.code]) for a in areas
        ],
        by_org_type=[
            (label, type_apps[value], type_awards[value])
            for value, label in OrganizationType.choices
            if type_apps[value]
        ],
        outcome_counts={
            label: sum(1 for d in decisions.values() if d.outcome == value)
            for value, label in DecisionOutcome.choices
        },
    )
