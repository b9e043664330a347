"""The admin menu offers each role its own tools (the views check the role again)."""

import pytest

from tests.auth import login

pytestmark = pytest.mark.django_db


def menu(client, user) -> str:
    login(client, user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_program_staff_see_review_reports_and_convenings_not_reviewing_or_stipends(client, staff):
    page = menu(client, staff)
    for label in (
        "Review and decide",
        "Decision dashboard",
        "Award installments",
        "Site reports",
        "Convenings",
    ):
        assert label in page
    assert "My reviews" not in page
    # Finance's Stipends menu (Requests, Pay, Batches, Ledger, Payees).
    assert "Payees" not in page


def test_finance_see_installments_and_stipends_only(client, finance):
    page = menu(client, finance)
    assert "Award installments" in page and "Payees" in page
    for label in ("Review and decide", "Decision dashboard", "Site reports", "Convenings"):
        assert label not in page


def test_reviewers_see_their_reviews(client, reviewer):
    page = menu(client, reviewer)
    assert "My reviews" in page
    assert "Review and decide" not in page
