"""Finance's stipend tools in the Wagtail admin: the approval queue, payment (Stripe
batches or a recorded check, ACH or payroll payment), batches and their progress, the
per-site ledger, payees' yearly totals, and each site's stipend rules. Registered in
cms/wagtail_hooks.py. Everyone but finance gets 404 here."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grants.exports import tabular_response
from grants.permissions import require
from grants.services.audit import audit_record
from grants.views.feedback import attempt
from sites.models import GrantSite

from . import stripe_client
from .forms import ManualPaymentForm, PlanForm, RejectForm, RuleForm
from .models import (
    DisbursementBatch,
    Payee,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Stipend,
    StipendPlan,
    StipendRule,
    StipendStatus,
)
from .payouts import batch_confirm, batch_create, batch_retry
from .permissions import can_manage_payments
from .selectors import batch_progress, payee_year_totals, site_ledgers, tax_threshold
from .services import (
    payment_record_manual,
    stipend_approve,
    stipend_plan_set,
    stipend_reapprove,
    stipend_reject,
    stipend_rule_create,
)

EXPORT_FORMATS = ("csv", "xlsx")


def finance_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(can_manage_payments(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _export(request, *, name, headers, rows):
    file_format = request.GET.get("export")
    audit_record(
        actor=request.user, action=f"stipends.{name}.exported", after={"format": file_format}
    )
    return tabular_response(
        filename=f"stipends-{name}", headers=headers, rows=rows, file_format=file_format
    )


def _wants_export(request) -> bool:
    return request.GET.get("export") in EXPORT_FORMATS


@finance_only
def ledger(request):
    rows = site_ledgers()
    if _wants_export(request):
        return _export(
            request,
            name="ledger",
            headers=[
                "Program",
                "Site",
                "Budget",
                "Committed",
                "Paid",
                "Reversed",
                "Remaining",
                "Balances",
            ],
            rows=[
                [
                    r["site"].program.name,
                    r["site"].name,
                    r["budget"],
                    r["committed"],
                    r["paid"],
                    r["reversed"],
                    r["remaining"],
                    "yes" if r["balances"] else "NO",
                ]
                for r in rows
            ],
        )
    totals = {
        key: sum((r[key] for r in rows), start=type(rows[0][key])(0)) if rows else 0
        for key in ("budget", "committed", "paid", "reversed", "remaining")
    }
    return render(
        request,
        "stipends/admin/ledger.html",
        {
            "page_title": "Stipend ledger",
            "rows": rows,
            "totals": totals,
            "all_balance": all(r["balances"] for r in rows),
        },
    )


@finance_only
def requests_queue(request):
    """Requested stipends, oldest first, each with approve and reject; below them, the
    stipends whose transfers Stripe reversed, each of which finance may approve again."""
    stipends = (
        Stipend.objects.filter(status=StipendStatus.SUBMITTED)
        .select_related("site", "participant", "micro_credential")
        .order_by("updated_at", "pk")
    )
    reversed_stipends = (
        Stipend.objects.filter(status=StipendStatus.REVERSED)
        .select_related("site", "participant", "micro_credential")
        .order_by("updated_at", "pk")
    )
    return render(
        request,
        "stipends/admin/requests.html",
        {
            "page_title": "Stipend requests",
            "stipends": stipends,
            "reversed_stipends": reversed_stipends,
            "form": RejectForm(),
        },
    )


def _stipend(pk, **filters) -> Stipend:
    return get_object_or_404(
        Stipend.objects.select_related("site", "participant"), pk=pk, **filters
    )


@require_POST
@finance_only
def stipend_decide(request, pk):
    stipend = _stipend(pk)
    if request.POST.get("decision") == "approve":
        attempt(
            request,
            lambda: stipend_approve(stipend=stipend, actor=request.user),
            f"Approved ${stipend.amount} for {stipend.participant}.",
        )
    else:
        form = RejectForm(request.POST)
        reason = form.data.get("reason", "")
        attempt(
            request,
            lambda: stipend_reject(stipend=stipend, actor=request.user, reason=reason),
            f"Rejected the stipend for {stipend.participant}.",
        )
    return redirect("stipends_admin_requests")


@require_POST
@finance_only
def stipend_reapprove_view(request, pk):
    stipend = _stipend(pk, status=StipendStatus.REVERSED)
    reason = request.POST.get("reason", "")
    attempt(
        request,
        lambda: stipend_reapprove(stipend=stipend, actor=request.user, reason=reason),
        f"Approved ${stipend.amount} for {stipend.participant} again: add it to a new batch.",
    )
    return redirect("stipends_admin_requests")


@finance_only
def payable(request):
    """Approved stipends not yet paid: select them into a Stripe batch, or record a
    manual payment for one."""
    in_flight = Payment.objects.filter(
        stipend=OuterRef("pk"),
        method=PaymentMethod.STRIPE,
        status__in=[PaymentStatus.PENDING, PaymentStatus.HELD],
    )
    stipends = (
        Stipend.objects.filter(status=StipendStatus.APPROVED)
        .annotate(in_batch=Exists(in_flight))
        .select_related("site", "participant__payee", "micro_credential")
        .order_by("site__name", "participant__last_name", "pk")
    )
    if request.method == "POST":
        chosen = Stipend.objects.filter(pk__in=request.POST.getlist("stipend"))
        try:
            batch = batch_create(stipends=chosen, actor=request.user)
        except ValidationError as error:
            from django.contrib import messages

            messages.error(request, " ".join(error.messages))
        else:
            return redirect("stipends_admin_batch", batch.pk)
    return render(
        request,
        "stipends/admin/payable.html",
        {
            "page_title": "Pay approved stipends",
            "stipends": stipends,
            "stripe_enabled": stripe_client.stripe_enabled(),
        },
    )


@finance_only
def manual_payment(request, pk):
    stipend = _stipend(pk)
    form = ManualPaymentForm(request.POST or None, initial={"amount": stipend.amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment_record_manual(stipend=stipend, actor=request.user, **data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            from django.contrib import messages

            messages.success(request, f"Recorded the payment to {stipend.participant}.")
            return redirect("stipends_admin_payable")
    return render(
        request,
        "stipends/admin/manual_payment.html",
        {"stipend": stipend, "form": form, "page_title": "Record a manual payment"},
    )


def _batches():
    return DisbursementBatch.objects.select_related("created_by", "confirmed_by").annotate(
        items=Count("payments"),
        total=Sum("payments__amount"),
        paid=Sum("payments__amount", filter=Q(payments__status=PaymentStatus.SUCCEEDED)),
        problems=Count(
            "payments",
            filter=Q(payments__status__in=[PaymentStatus.HELD, PaymentStatus.FAILED]),
        ),
    )


@finance_only
def batches(request):
    rows = _batches()
    if _wants_export(request):
        return _export(
            request,
            name="batches",
            headers=[
                "Batch",
                "Status",
                "Created",
                "Confirmed",
                "Items",
                "Total",
                "Paid",
                "Needing attention",
            ],
            rows=[
                [
                    b.pk,
                    b.get_status_display(),
                    b.created_at.date(),
                    b.confirmed_at.date() if b.confirmed_at else "",
                    b.items,
                    b.total or 0,
                    b.paid or 0,
                    b.problems,
                ]
                for b in rows
            ],
        )
    return render(
        request,
        "stipends/admin/batches.html",
        {"batches": rows, "page_title": "Disbursement batches"},
    )


@finance_only
def batch_detail(request, pk):
    batch = get_object_or_404(_batches(), pk=pk)
    if request.method == "POST":
        action = batch_confirm if request.POST.get("action") == "confirm" else batch_retry
        done = (
            "Confirmed: the transfers are being sent."
            if action is batch_confirm
            else ("Sending the unfinished payments again.")
        )
        attempt(request, lambda: action(batch=batch, actor=request.user), done)
        return redirect("stipends_admin_batch", batch.pk)
    payments = batch.payments.select_related(
        "stipend__participant__payee", "stipend__site", "stipend__micro_credential"
    ).order_by("pk")
    return render(
        request,
        "stipends/admin/batch.html",
        {
            "page_title": f"Batch {batch.pk}",
            "batch": batch,
            "payments": payments,
            "progress": batch_progress(batch),
        },
    )


@finance_only
def payees(request):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    totals = payee_year_totals(year)
    if _wants_export(request):
        return _export(
            request,
            name="payee-totals",
            headers=[
                "Year",
                "First name",
                "Last name",
                "Email",
                "Payments",
                "Total",
                "At or over threshold",
            ],
            rows=[
                [
                    r["year"],
                    r["first_name"],
                    r["last_name"],
                    r["person"],
                    r["count"],
                    r["total"],
                    "yes" if r["flagged"] else "no",
                ]
                for r in totals
            ],
        )
    waiting = Payee.objects.exclude(status="ready").select_related("participant__site")
    return render(
        request,
        "stipends/admin/payees.html",
        {
            "page_title": "Payees",
            "totals": totals,
            "threshold": tax_threshold(),
            "waiting": waiting,
            "year": year,
        },
    )


@finance_only
def site_rules(request, pk):
    """A site's stipend rules; the services refuse honorary sites and rules beyond budget."""
    site = get_object_or_404(GrantSite.objects.select_related("award", "program"), pk=pk)
    plan = StipendPlan.objects.filter(site=site).first()
    rule_form = RuleForm(request.POST if request.POST.get("form") == "rule" else None, site=site)
    plan_form = PlanForm(
        request.POST if request.POST.get("form") == "plan" else None,
        initial={"allow_both": plan.allow_both if plan else False},
    )
    if request.method == "POST":
        form = rule_form if request.POST.get("form") == "rule" else plan_form
        if form.is_valid():
            data = form.cleaned_data
            if form is rule_form:
                action = lambda: stipend_rule_create(site=site, actor=request.user, **data)  # noqa: E731
            else:
                action = lambda: stipend_plan_set(site=site, actor=request.user, **data)  # noqa: E731
            if attempt(request, action, "Saved the stipend rules."):
                return redirect("stipends_admin_site", site.pk)
    rules = StipendRule.objects.filter(plan=plan).select_related("micro_credential") if plan else []
    return render(
        request,
        "stipends/admin/site.html",
        {
            "page_title": "Stipend rules",
            "site": site,
            "plan": plan,
            "rules": rules,
            "rule_form": rule_form,
            "plan_form": plan_form,
            "ledger": site_ledgers(site_ids=[site.pk])[0],
            "site_page": reverse("site_stipends", args=[site.slug]),
        },
    )
