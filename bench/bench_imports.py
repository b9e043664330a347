"""Roster and attempt imports of 10,000 rows, preview plus confirm, beside a plain
csv-plus-bulk_create floor measured in the same run, on SQLite and PostgreSQL.

The imports go through the same services as the coordinator's browser: ``import_upload``
stores and checks the file (the preview), and ``import_confirm`` writes it. The floor
parses the same CSV with the csv module and writes the same rows with one
``bulk_create``, looking related rows up from a dict. Attempts are measured twice: on a
site without a stipend plan (the floor's work) and on one whose plan pays stipends, where
confirming also issues 3,334 clock-hour credits and accrues 13,334 pending stipends, each
audited.

Run with `make bench` (or `python -m bench.run bench_imports`). Each figure is the median
of REPEATS runs on fresh sites; figures go to bench/results/imports-<vendor>.json. The
target (preview plus confirm within 5x of the floor) is reported, not asserted.
PostgreSQL is BENCH_POSTGRES_URL, by default the local server's pilot_grants_bench."""

import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
RESULTS = Path(__file__).resolve().parent / "results"


def _measure() -> dict:
    import csv
    import io
    import tempfile

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    private = tempfile.mkdtemp(prefix="bench-private-")
    django.setup()
    from django.conf import settings

    settings.STORAGES["private"]["OPTIONS"]["location"] = private
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        from grants.models import District, MicroCredential
        from grants.services.decisions import award_create
        from sites.models import Attempt, ImportStatus, Participant
        from sites.services.imports import import_confirm, import_upload
        from sites.services.sites import site_create_from_award
        from stipends.models import Stipend
        from stipends.services import stipend_plan_set, stipend_rule_create
        from tests import factories

        program = factories.ProgramFactory(max_attempts=5, budget=Decimal("18000.00") * 3 * REPEATS)
        rfp = factories.make_rfp(program=program)
        staff = factories.UserFactory(roles=["program_staff"])
        coordinator = factories.UserFactory()
        ecs = MicroCredential.objects.get(code="ECS")
        districts = list(District.objects.values_list("name", flat=True)[:50])
        by_name = {d.name: d for d in District.objects.all()}

        def new_site():
            application = factories.make_application(
                rfp=rfp, organization=factories.OrganizationFactory(), status="submitted"
            )
            award = award_create(application=application, actor=staff, reason="Bench.")
            return site_create_from_award(award=award, actor=staff)

        header = "first_name,last_name,email,role,district,school,certificate_number"
        roster = "\n".join(
            [header]
            + [
                f"First{n},Last{n},person{n}@example.org,teacher,{districts[n % 50]},"
                f"School,{4000 + n}"
                for n in range(ROWS)
            ]
        ).encode()
        attempts = "\n".join(
            ["email,micro_credential,attempt,submitted_on,result"]
            + [
                f"person{n}@example.org,ECS,1,2026-10-01,{'earned' if n % 3 == 0 else 'not_earned'}"
                for n in range(ROWS)
            ]
        ).encode()

        def floor_roster(site):
            started = time.perf_counter()
            reader = csv.DictReader(io.StringIO(roster.decode()))
            Participant.objects.bulk_create(
                [
                    Participant(
                        site=site,
                        first_name=row["first_name"],
                        last_name=row["last_name"],
                        email=row["email"],
                        role=row["role"],
                        district=by_name[row["district"]],
                        school=row["school"],
                        certificate_number=row["certificate_number"],
                    )
                    for row in reader
                ],
                batch_size=1000,
            )
            return time.perf_counter() - started

        def floor_attempts(site):
            started = time.perf_counter()
            people = {p.email: p for p in Participant.objects.filter(site=site)}
            codes = {m.code: m for m in MicroCredential.objects.all()}
            reader = csv.DictReader(io.StringIO(attempts.decode()))
            Attempt.objects.bulk_create(
                [
                    Attempt(
                        participant=people[row["email"]],
                        micro_credential=codes[row["micro_credential"]],
                        number=int(row["attempt"]),
                        submitted_on=row["submitted_on"],
                        result=row["result"],
                    )
                    for row in reader
                ],
                batch_size=1000,
            )
            return time.perf_counter() - started

        def through_services(site, kind, data):
            upload = SimpleUploadedFile(f"{kind}.csv", data, content_type="text/csv")
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                batch = import_upload(site=site, kind=kind, upload=upload, actor=coordinator)
                batch.refresh_from_db()
                middle = time.perf_counter()
                assert batch.status == ImportStatus.PREVIEWED, batch.errors[:3]
                batch = import_confirm(batch=batch, actor=coordinator)
                batch.refresh_from_db()
                finished = time.perf_counter()
            assert batch.status == ImportStatus.IMPORTED, batch.errors[:3]
            return {
                "preview_s": middle - started,
                "confirm_s": finished - middle,
                "total_s": finished - started,
                "queries": len(queries.captured_queries),
            }

        runs = {"roster": [], "attempts": [], "attempts_with_stipends": []}
        floors = {"roster": [], "attempts": []}
        for _ in range(REPEATS):
            floor_site = new_site()
            floors["roster"].append(floor_roster(floor_site))
            floors["attempts"].append(floor_attempts(floor_site))

            site = new_site()
            runs["roster"].append(through_services(site, "roster", roster))
            assert Participant.objects.filter(site=site).count() == ROWS
            runs["attempts"].append(through_services(site, "attempts", attempts))
            assert Attempt.objects.filter(participant__site=site).count() == ROWS

            paying = new_site()
            floor_roster(paying)
            stipend_plan_set(site=paying, allow_both=True, actor=staff)
            stipend_rule_create(site=paying, trigger="first_submission", amount="50", actor=staff)
            stipend_rule_create(
                site=paying, trigger="earned", amount="200", actor=staff, micro_credential=ecs
            )
            runs["attempts_with_stipends"].append(through_services(paying, "attempts", attempts))
            # Every row is a first submission; one in three is earned: both pay.
            expected = ROWS + len(range(0, ROWS, 3))
            assert Stipend.objects.filter(site=paying).count() == expected

        def median(values):
            return round(statistics.median(values), 4)

        figures = {
            "vendor": connection.vendor,
            "rows": ROWS,
            "repeats": REPEATS,
            "floor_csv_bulk_create_s": {k: median(v) for k, v in floors.items()},
            "target_x_floor": 5,
        }
        for name, samples in runs.items():
            floor = figures["floor_csv_bulk_create_s"]["roster" if name == "roster" else "attempts"]
            entry = {
                key: median([s[key] for s in samples])
                for key in ("preview_s", "confirm_s", "total_s")
            }
            entry["queries"] = samples[-1]["queries"]
            entry["rows_per_s"] = round(ROWS / entry["total_s"])
            entry["x_floor"] = round(entry["total_s"] / floor, 2)
            entry["within_target"] = entry["x_floor"] <= 5
            figures[name] = entry
        return figures
    finally:
        teardown_databases(old, verbosity=0)


def main():
    RESULTS.mkdir(exist_ok=True)
    targets = {
        "sqlite": "",
        "postgresql": os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/pilot_grants_bench"
        ),
    }
    for name, url in targets.items():
        env = {**os.environ}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        completed = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                "import json, bench.bench_imports as b; print(json.dumps(b._measure()))",
            ],
            env=env,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if completed.returncode != 0:
            print(f"{name}: failed\n{completed.stderr[-2000:]}")
            continue
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        (RESULTS / f"imports-{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
