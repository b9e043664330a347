"""Coordinators' stipend pages in the portal, the payee onboarding link, and the Stripe
webhook. Each view checks its object through stipends.permissions; a refusal is a 404."""

import logging

import stripe
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from grants.permissions import require
from grants.selectors.portal import sites_for_coordinator
from grants.views.feedback import attempt
from sites.models import GrantSite, Participant

from . import stripe_client
from .payouts import payee_from_token, payee_invite, payee_onboarding_link
from .permissions import can_invite_payee, can_request_stipends, can_view_site_stipends
from .selectors import coordinator_site_stipends
from .services import stipends_submit
from .webhooks import stripe_event_receive

logger = logging.getLogger(__name__)


def stipend_sites(request):
    """The coordinator's sites; with one site, its page directly."""
    sites = list(sites_for_coordinator(request.user))
    if len(sites) == 1:
        return redirect("site_stipends", sites[0].slug)
    return render(request, "stipends/portal/sites.html", {"sites": sites})


def _site(request, slug) -> GrantSite:
    site = get_object_or_404(GrantSite.objects.select_related("award", "program"), slug=slug)
    require(can_view_site_stipends(request.user, site))
    return site


def site_stipends(request, slug):
    site = _site(request, slug)
    context = coordinator_site_stipends(site)
    context.update(
        site=site,
        can_request=bool(can_request_stipends(request.user, site)),
        stripe_enabled=stripe_client.stripe_enabled(),
    )
    return render(request, "stipends/portal/site.html", context)


@require_POST
def site_stipends_submit(request, slug):
    site = _site(request, slug)
    require(can_request_stipends(request.user, site))
    chosen = site.stipends.filter(pk__in=request.POST.getlist("stipend")).order_by("pk")
    count = chosen.count()
    attempt(
        request,
        lambda: stipends_submit(stipends=chosen, actor=request.user),
        f"Requested payment of {count} stipend{'s' if count != 1 else ''}; finance will review.",
    )
    return redirect("site_stipends", site.slug)


@require_POST
def payee_invite_view(request, slug, participant_id):
    site = _site(request, slug)
    participant = get_object_or_404(Participant, pk=participant_id, site=site)
    require(can_invite_payee(request.user, participant))
    attempt(
        request,
        lambda: payee_invite(participant=participant, actor=request.user),
        f"Emailed {participant} a link to set up stipend payments.",
    )
    return redirect("site_stipends", site.slug)


@login_not_required
def payee_onboarding(request, token):
    """The emailed link: a fresh Stripe onboarding link for the payee, every time."""
    payee = payee_from_token(token)
    if payee is None:
        raise Http404("This link is not valid or has expired.")
    try:
        url = payee_onboarding_link(payee=payee)
    except ValidationError as error:
        return render(
            request, "stipends/onboarding_problem.html", {"problem": " ".join(error.messages)}
        )
    return redirect(url)


@login_not_required
def payee_onboarding_done(request):
    return render(request, "stipends/onboarding_done.html")


@csrf_exempt
@login_not_required
@require_POST
def stripe_webhook(request):
    """Stripe's events. The signature is checked against the raw body: a bad, stale or
    missing signature is 400 and changes nothing; a duplicate event is 200 and a no-op."""
    if not stripe_client.stripe_enabled():
        raise Http404("Stripe is not configured.")
    try:
        event = stripe_client.webhook_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("Invalid signature.")
    if not isinstance(event, dict) or not event.get("id"):
        return HttpResponseBadRequest("Not a Stripe event.")
    stored, created = stripe_event_receive(event=event)
    return HttpResponse(f"{'processed' if created else 'duplicate'}: {stored.outcome}")
