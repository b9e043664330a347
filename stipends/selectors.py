"""Read queries for stipends."""

from decimal import Decimal

from django.db.models import Sum

from grants.models import BudgetCategory

from .models import COMMITTED_STATUSES, Stipend


def site_stipend_budget(site) -> Decimal:
    """What a site may commit to stipends: its application's stipends budget line, capped
    by the award. An honorary site has no grant funds, so its budget is $0."""
    if site.is_honorary:
        return Decimal("0.00")
    line_total = site.award.application.budget_lines.filter(
        category=BudgetCategory.STIPENDS
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return min(line_total, site.award.amount)


def site_stipend_committed(site) -> Decimal:
    """Approved (reserved) plus paid stipends at the site."""
    total = Stipend.objects.filter(site=site, status__in=COMMITTED_STATUSES).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal("0.00")


# Reconciliation and reports -------------------------------------------------------------


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0.00")


def site_ledgers(program=None, *, site_ids=None) -> list[dict]:
    """One finance ledger row per site: budget, committed (approved, not yet paid), paid
    (succeeded payments), reversed, remaining. Remaining is what approvals may still
    reserve: budget less approved and paid stipends. ``balances`` checks that the money
    actually paid agrees with the stipends marked paid, so budget = paid + committed +
    remaining holds exactly; a row that does not balance needs finance's attention."""
    from django.db.models import DecimalField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from grants.models import BudgetLine
    from sites.models import GrantSite

    from .models import Payment, PaymentStatus, StipendStatus

    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))

    def total(queryset):
        return Coalesce(
            Subquery(
                queryset.order_by()
                .values("site_id" if queryset.model is Stipend else "stipend__site_id")
                .annotate(t=Sum("amount"))
                .values("t")[:1],
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            zero,
        )

    stipends = Stipend.objects.filter(site_id=OuterRef("pk"))
    payments = Payment.objects.filter(stipend__site_id=OuterRef("pk"))
    sites = (
        GrantSite.objects.select_related("award", "program")
        .annotate(
            line=Coalesce(
                Subquery(
                    BudgetLine.objects.filter(
                        application_id=OuterRef("award__application_id"),
                        category=BudgetCategory.STIPENDS,
                    )
                    .order_by()
                    .values("application_id")
                    .annotate(t=Sum("amount"))
                    .values("t")[:1],
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                ),
                zero,
            ),
            committed=total(stipends.filter(status=StipendStatus.APPROVED)),
            paid_stipends=total(stipends.filter(status=StipendStatus.PAID)),
            paid=total(payments.filter(status=PaymentStatus.SUCCEEDED)),
            reversed=total(payments.filter(status=PaymentStatus.REVERSED)),
        )
        .order_by("program__name", "name")
    )
    if program is not None:
        sites = sites.filter(program=program)
    if site_ids is not None:
        sites = sites.filter(pk__in=site_ids)
    cent = Decimal("0.01")
    rows = []
    for site in sites:
        # SQLite returns sums without their scale; money is shown to the cent.
        line, committed, paid_stipends, paid, reversed_ = (
            Decimal(value).quantize(cent)
            for value in (site.line, site.committed, site.paid_stipends, site.paid, site.reversed)
        )
        budget = Decimal("0.00") if site.is_honorary else min(line, site.award.amount)
        remaining = budget - committed - paid_stipends
        rows.append(
            {
                "site": site,
                "budget": budget,
                "committed": committed,
                "paid": paid,
                "reversed": reversed_,
                "remaining": remaining,
                "balances": budget == paid + committed + remaining,
            }
        )
    return rows


def tax_threshold() -> Decimal:
    from django.conf import settings

    return Decimal(str(getattr(settings, "STIPEND_TAX_THRESHOLD", "600.00")))


def payee_year_totals(year: int | None = None) -> list[dict]:
    """What each person was paid per calendar year (succeeded payments, by payment date),
    flagged at or above the tax-reporting threshold (STIPEND_TAX_THRESHOLD). A person is
    identified by email, so stipends from two sites add up."""
    from django.db.models import Count, Max
    from django.db.models.functions import ExtractYear, Lower

    from .models import Payment, PaymentStatus

    payments = Payment.objects.filter(status=PaymentStatus.SUCCEEDED, paid_on__isnull=False)
    if year is not None:
        payments = payments.filter(paid_on__year=year)
    grouped = (
        payments.annotate(year=ExtractYear("paid_on"), person=Lower("stipend__participant__email"))
        .values("year", "person")
        .annotate(
            total=Sum("amount"),
            count=Count("id"),
            first_name=Max("stipend__participant__first_name"),
            last_name=Max("stipend__participant__last_name"),
        )
        .order_by("-year", "last_name", "first_name", "person")
    )
    threshold = tax_threshold()
    cent = Decimal("0.01")
    return [
        {**row, "total": Decimal(row["total"]).quantize(cent), "flagged": row["total"] >= threshold}
        for row in grouped
    ]


def batch_progress(batch) -> dict:
    """Counts and totals of a batch's payments by status, for its page."""
    from django.db.models import Count

    from .models import PaymentStatus

    by_status = {
        row["status"]: row
        for row in batch.payments.values("status").annotate(n=Count("id"), total=Sum("amount"))
    }
    count = sum(row["n"] for row in by_status.values())
    done = sum(
        by_status.get(s, {}).get("n", 0) for s in (PaymentStatus.SUCCEEDED, PaymentStatus.REVERSED)
    )
    return {
        "count": count,
        "done": done,
        "percent": int(done * 100 / count) if count else 0,
        "total": sum((row["total"] for row in by_status.values()), Decimal("0.00")).quantize(
            Decimal("0.01")
        ),
        "paid": Decimal(
            by_status.get(PaymentStatus.SUCCEEDED, {}).get("total") or Decimal("0.00")
        ).quantize(Decimal("0.01")),
        "statuses": [
            (label, by_status.get(value, {}).get("n", 0)) for value, label in PaymentStatus.choices
        ],
    }


def site_ledger(site) -> dict:
    return site_ledgers(site_ids=[site.pk])[0]


def coordinator_site_stipends(site) -> dict:
    """A site's stipend page: its ledger, rules, stipends (with each participant's payee)
    and how many are in each status."""
    from django.db.models import Count

    from .models import StipendPlan, StipendRule

    plan = StipendPlan.objects.filter(site=site).first()
    stipends = list(
        Stipend.objects.filter(site=site)
        .select_related("participant__payee", "micro_credential", "decided_by")
        .order_by("status", "participant__last_name", "participant__first_name", "pk")
    )
    counts = dict(Stipend.objects.filter(site=site).values_list("status").annotate(n=Count("id")))
    return {
        "ledger": site_ledger(site),
        "plan": plan,
        "rules": list(
            StipendRule.objects.filter(plan=plan).select_related("micro_credential") if plan else []
        ),
        "stipends": stipends,
        "counts": counts,
    }
