"""The one place that talks to Stripe. Everything else calls these functions and gets
plain values back, or a ``StripeFailure`` that says what kind of error happened and
whether retrying with the same idempotency key may succeed.

Settings: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (both needed for Stripe to be
available), STRIPE_API_BASE (tests point it at a local fake server), STRIPE_TIMEOUT."""

import threading
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass
class StripeFailure(Exception):
    """A Stripe call that did not succeed. ``kind`` is one of card, account, rate_limit,
    network, api, idempotency, configuration; ``retryable`` says whether the same request
    (same idempotency key) may succeed later."""

    kind: str
    message: str
    retryable: bool
    code: str = ""

    def __str__(self):
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class AccountState:
    account_id: str
    transfers_active: bool
    reason: str


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


_local = threading.local()


def client() -> stripe.StripeClient:
    """A client for the current settings, one per thread so its HTTP connection is kept
    alive between calls. No automatic library retries: the disbursement service retries
    itself, with the same key, and records each error."""
    if not settings.STRIPE_SECRET_KEY:
        raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set; Stripe is unavailable.")
    base = settings.STRIPE_API_BASE or stripe.DEFAULT_API_BASE
    timeout = float(getattr(settings, "STRIPE_TIMEOUT", 20))
    key = (settings.STRIPE_SECRET_KEY, base, timeout)
    cached = getattr(_local, "client", None)
    if cached is None or cached[0] != key:
        cached = (
            key,
            stripe.StripeClient(
                settings.STRIPE_SECRET_KEY,
                base_addresses={"api": base, "connect": base},
                max_network_retries=0,
                http_client=stripe.RequestsClient(timeout=timeout),
            ),
        )
        _local.client = cached
    return cached[1]


def to_cents(amount: Decimal) -> int:
    """Exact integer cents for a Decimal dollar amount; anything finer than a cent, or a
    float, is refused rather than rounded."""
    if not isinstance(amount, Decimal):
        raise TypeError("Money is Decimal, never float.")
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places.")
    return int(cents)


def _failure(error: stripe.StripeError) -> StripeFailure:
    message = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
    code = getattr(error, "code", None) or ""
    if isinstance(error, stripe.CardError):
        return StripeFailure("card", message, False, code)
    if isinstance(error, stripe.RateLimitError):
        return StripeFailure("rate_limit", message, True, code)
    if isinstance(error, stripe.APIConnectionError):
        return StripeFailure("network", message, True, code)
    if isinstance(error, stripe.IdempotencyError):
        return StripeFailure("idempotency", message, False, code)
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return StripeFailure("configuration", message, False, code)
    if isinstance(error, stripe.InvalidRequestError):
        return StripeFailure("account", message, False, code)
    # APIError: Stripe had a problem (5xx); the idempotency key makes a retry safe.
    return StripeFailure("api", message, True, code)


def _account_state(account) -> AccountState:
    capabilities = account.get("capabilities") or {}
    active = capabilities.get("transfers") == "active"
    reason = ""
    if not active:
        requirements = account.get("requirements") or {}
        due = list(requirements.get("currently_due") or [])
        disabled = requirements.get("disabled_reason") or ""
        if disabled:
            reason = f"Stripe has paused transfers ({disabled.replace('_', ' ')})."
        elif due:
            reason = "Stripe still needs: " + ", ".join(d.replace("_", " ") for d in due) + "."
        else:
            reason = "The account cannot receive transfers yet."
    return AccountState(account_id=account["id"], transfers_active=active, reason=reason)


def account_state_from_event(account: dict) -> AccountState:
    """Readiness from an ``account.updated`` event's account object."""
    return _account_state(account)


def account_create(*, email: str, payee_id: int) -> str:
    """Create a Stripe Express connected account that can receive transfers; its id."""
    try:
        account = client().v1.accounts.create(
            params={
                "type": "express",
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"payee": str(payee_id)},
            },
            options={"idempotency_key": f"payee-{payee_id}-account"},
        )
    except stripe.StripeError as error:
        raise _failure(error) from error
    return account.id


def account_retrieve(account_id: str) -> AccountState:
    """Whether a connected account can receive transfers now, and if not, why."""
    try:
        account = client().v1.accounts.retrieve(account_id)
    except stripe.StripeError as error:
        raise _failure(error) from error
    # The library's objects are not dicts; events arrive as plain dicts.
    return _account_state(account.to_dict())


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A short-lived Stripe-hosted onboarding URL for the account."""
    try:
        link = client().v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as error:
        raise _failure(error) from error
    return link.url


def transfer_create(
    *, amount: Decimal, destination: str, idempotency_key: str, metadata: dict, group: str
) -> str:
    """Send ``amount`` dollars to a connected account; the transfer id. The same key
    always yields the same transfer, so a retry can never pay twice."""
    try:
        transfer = client().v1.transfers.create(
            params={
                "amount": to_cents(amount),
                "currency": "usd",
                "destination": destination,
                "transfer_group": group,
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _failure(error) from error
    return transfer.id


def webhook_event(*, payload: bytes, signature: str) -> dict:
    """Verify ``signature`` against the raw ``payload`` and return the event as a dict.
    Raises ``stripe.SignatureVerificationError`` (bad or stale) or ``ValueError`` (not JSON)."""
    import json

    stripe.WebhookSignature.verify_header(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
    )
    return json.loads(payload)
