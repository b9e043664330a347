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
