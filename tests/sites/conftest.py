import pytest


@pytest.fixture(autouse=True)
def _uploads_stay_in_tmp(request):
    """Uploaded roster and attempt files go to a temporary private directory."""
    if "django_db" in request.keywords or "db" in request.fixturenames:
        request.getfixturevalue("private_media")
