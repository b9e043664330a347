"""Disburse a 5,000-stipend batch through the local fake Stripe server and report the
throughput. Asserts that exactly 5,000 transfers exist, one per stipend, and as many
succeeded payments.

Runs on SQLite (its own database in var/) and on PostgreSQL (a fresh test database on
BENCH_POSTGRES_URL, by default the local server), each in its own process. The approved
stipends are written directly, as the test factories do: what is measured is
disbursement, the same ``batch_send`` the django-q2 task runs. Writes
bench/results/disburse_batch-<database>.json."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

COUNT = int(os.environ.get("BENCH_STIPENDS", "5000"))
ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "DATABASE_URL" not in os.environ:
        db = ROOT / "var" / "bench-disburse.sqlite3"
        db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.test.utils import setup_databases

        # A fresh test_<name> database, so every run starts empty.
        return setup_databases(verbosity=0, interactive=False)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return None


def build(fake):
    from django.utils import timezone

    from grants.services.applications import application_submit
    from grants.services.decisions import award_create
    from sites.models import Participant
    from sites.services.sites import site_create_from_award
    from stipends.models import Payee, PayeeStatus, Stipend, StipendStatus
    from stipends.services import stipend_rule_create
    from tests import factories

    staff = factories.UserFactory(roles=["program_staff"])
    finance = factories.UserFactory(roles=["finance"])
    organization = factories.OrganizationFactory()
    member = factories.add_member(organization)
    application = factories.make_application(organization=organization, stipends="15000.00")
    application_submit(application=application, actor=member)
    site = site_create_from_award(
        award=award_create(application=application, actor=staff, reason="Bench"), actor=staff
    )
    rule = stipend_rule_create(site=site, trigger="earned", amount="3.00", actor=staff)
    district = factories.district("Bellevue School District")
    mc = factories.micro_credential("ECS")
    participants = Participant.objects.bulk_create(
        Participant(
            site=site,
            first_name="Bench",
            last_name=f"Payee{n}",
            email=f"bench{n}@example.org",
            role="teacher",
            district=district,
        )
        for n in range(COUNT)
    )
    accounts = [fake.add_account(active=True)["id"] for _ in participants]
    Payee.objects.bulk_create(
        Payee(participant=p, email=p.email, stripe_account_id=a, status=PayeeStatus.READY)
        for p, a in zip(participants, accounts, strict=True)
    )
    stipends = Stipend.objects.bulk_create(
        Stipend(
            site=site,
            participant=p,
            micro_credential=mc,
            trigger="earned",
            rule=rule,
            amount=rule.amount,
            status=StipendStatus.APPROVED,
            decided_by=finance,
            decided_at=timezone.now(),
        )
        for p in participants
    )
    return finance, list(Stipend.objects.filter(pk__in=[s.pk for s in stipends]))


def measure():
    old = setup_django()
    from django.conf import settings
    from django.utils import timezone

    from stipends.models import BatchStatus, DisbursementBatch, Payment, PaymentStatus
    from stipends.payouts import batch_create, batch_send
    from tests.stripe_fake import FakeStripe

    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_bench"  # noqa: S105 - the local fake
    settings.STRIPE_WEBHOOK_SECRET = "whsec_bench"  # noqa: S105
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_RETRY_DELAY = 0
    try:
        finance, stipends = build(fake)
        batch = batch_create(stipends=stipends, actor=finance)
        DisbursementBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=finance
        )
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                batch = batch_send(batch_id=batch.pk)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        else:
            batch = batch_send(batch_id=batch.pk)
        elapsed = time.perf_counter() - started
    finally:
        fake.stop()
    succeeded = Payment.objects.filter(batch=batch, status=PaymentStatus.SUCCEEDED).count()
    assert len(fake.transfers) == COUNT, len(fake.transfers)
    assert succeeded == COUNT, succeeded
    assert len({t["metadata"]["stipend"] for t in fake.transfers.values()}) == COUNT
    assert batch.status == BatchStatus.DONE
    result = {
        "benchmark": "disburse_batch",
        "stipends": COUNT,
        "transfers": len(fake.transfers),
        "seconds": round(elapsed, 2),
        "transfers_per_second": round(COUNT / elapsed, 1),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
    if old is not None:
        from django.test.utils import teardown_databases

        teardown_databases(old, verbosity=0)
    print(json.dumps(result))


def main():
    targets = {
        "sqlite": "",
        "postgresql": os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/pilot_grants_bench"
        ),
    }
    for name, url in targets.items():
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if url:
            env["DATABASE_URL"] = url
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", "import bench.bench_disburse as b; b.measure()"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            print(f"{name}: failed\n{completed.stderr[-2000:]}")
            continue
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        print(json.dumps(result, indent=2))
        (Path(__file__).parent / "results" / f"disburse_batch-{name}.json").write_text(
            json.dumps(result, indent=2) + "\n"
        )
