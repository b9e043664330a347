import os
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.helpers import database_state

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(
        reason="needs PostgreSQL row locks under real concurrency; SQLite serializes all writes"
    )
    unsafe = []
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            unsafe.append(item.nodeid)
    # A transactional test without serialized_rollback empties the database and lets
    # post_migrate re-create content types under new ids; the next serialized test then
    # cannot restore the reference data (a duplicate-key error on PostgreSQL only).
    if unsafe:
        raise pytest.UsageError(
            "Transactional tests must also set serialized_rollback=True: " + ", ".join(unsafe)
        )


@pytest.fixture
def unchanged(db):
    """Use as ``with unchanged(): ...`` around a call that must be refused without effect."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = database_state()
        yield
        assert database_state() == before

    return check


@pytest.fixture
def staff(db):
    return factories.UserFactory(email="staff@example.org", roles=["program_staff"])


@pytest.fixture
def finance(db):
    return factories.UserFactory(email="finance@example.org", roles=["finance"])


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(email="reviewer@example.org", roles=["reviewer"])


@pytest.fixture
def program(db):
    return factories.ProgramFactory()


@pytest.fixture
def rfp(program):
    return factories.make_rfp(program=program)


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory()


@pytest.fixture
def applicant(organization):
    return factories.add_member(organization)


@pytest.fixture
def draft(rfp, organization):
    return factories.make_application(rfp=rfp, organization=organization)


@pytest.fixture
def submitted(rfp, organization, applicant):
    from grants.services.applications import application_submit

    application = factories.make_application(rfp=rfp, organization=organization)
    return application_submit(application=application, actor=applicant)


@pytest.fixture
def award(submitted, staff):
    from grants.services.decisions import award_create

    return award_create(application=submitted, actor=staff, reason="Strong proposal.")


@pytest.fixture
def site(award, staff):
    from sites.services.sites import site_create_from_award

    return site_create_from_award(award=award, actor=staff)


@pytest.fixture
def coordinator(site, staff):
    from sites.services.sites import coordinator_add

    user = factories.UserFactory(email="coordinator@example.org")
    coordinator_add(site=site, user=user, actor=staff)
    return user


@pytest.fixture
def participant(site, coordinator):
    from sites.services.sites import participant_add

    return participant_add(
        site=site,
        first_name="José",
        last_name="Núñez",
        email="Jose.Nunez@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )


@pytest.fixture
def closed_rfp(program):
    now = timezone.now()
    return factories.make_rfp(
        program=program,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        slug="closed-rfp",
    )


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    """On SQLite the live server shares the test's one in-memory connection with every
    request thread. Wagtail's editor pings the server while a page is being published, so
    two requests could use that connection at once and break each other's savepoints
    ("no such savepoint"). Serving one request at a time removes the race; on PostgreSQL
    each request has its own connection, and the threaded server stays."""
    if connection.vendor != "sqlite":
        yield
        return
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    class SerialWSGIServer(WSGIServer):
        # Not a ThreadingMixIn, so Django answers with "Connection: close" and a browser's
        # parallel requests queue instead of sharing the connection.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    threaded = testcases.LiveServerThread.server_class
    testcases.LiveServerThread.server_class = SerialWSGIServer
    yield
    testcases.LiveServerThread.server_class = threaded


@pytest.fixture
def browser(_django_db_helper):
    """Chromium, started after the test database is set up.

    Playwright's sync API runs an event loop in this thread, after which Django hands the
    thread fresh connection objects; starting it per test, once the database fixture has
    restored the reference data, keeps that handover from hiding the data."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def private_media(settings, tmp_path, monkeypatch):
    """Private uploads go to a temporary directory, outside the public media root. File
    fields resolve their callable storage when the model is defined, so each field that
    uses the private storage is pointed at the temporary one."""
    from django.apps import apps
    from django.core.files.storage import FileSystemStorage

    from grants.files import private_storage

    location = tmp_path / "private"
    storage = FileSystemStorage(location=location, base_url=None)
    settings.MEDIA_ROOT = tmp_path / "media"
    for model in apps.get_models():
        for field in model._meta.fields:
            if getattr(field, "_storage_callable", None) is private_storage:
                monkeypatch.setattr(field, "storage", storage)
    return location


# Between transactional tests Django empties every table. On PostgreSQL it uses TRUNCATE,
# which the audit log's statement trigger refuses (its row triggers never see it); on
# SQLite it issues DELETE, which the row triggers refuse. So for the flush alone the
# trigger that would refuse it is lifted, and put straight back afterwards.
def _flush_keeping_audit_triggers():
    from django.core.management.commands import flush
    from django.db import connections

    from grants.audit_guard import (
        drop_triggers,
        drop_truncate_guard,
        install_triggers,
        install_truncate_guard,
    )

    original = flush.Command.handle
    if getattr(original, "_keeps_audit_triggers", False):
        return

    def handle(self, **options):
        connection = connections[options.get("database") or "default"]
        if connection.vendor == "postgresql":
            drop, install = drop_truncate_guard, install_truncate_guard
        elif connection.vendor == "sqlite":
            drop, install = drop_triggers, install_triggers
        else:
            return original(self, **options)
        drop(connection)
        try:
            return original(self, **options)
        finally:
            install(connection)

    handle._keeps_audit_triggers = True
    flush.Command.handle = handle


_flush_keeping_audit_triggers()
