import pytest

from tests.stripe_fake import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings):
    """A running fake Stripe, with the settings that point the stripe library at it."""
    server = FakeStripe(timeout_delay=1.5).start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_TIMEOUT = 1
    settings.STRIPE_RETRY_DELAY = 0
    settings.STRIPE_TRANSFER_ATTEMPTS = 3
    yield server
    server.stop()
