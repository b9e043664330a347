"""Roster and attempt imports of 10,000 rows (preview plus confirm), beside a plain
csv-plus-bulk_create floor measured in the same run, on SQLite and (when
BENCH_POSTGRES_URL is set, or PostgreSQL answers on 127.0.0.1) PostgreSQL.

Run with `make bench` (or `python -m bench.run bench_imports`). Figures go to
bench/results/imports-<vendor>.json. Not a timed test: the target (preview plus confirm
within 5x of the floor) is reported, not asserted."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROWS = 10_000
RESULTS = Path(__file__).resolve().parent / "results"


def _measure() -> dict:
    import csv
    import io

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        from grants.models import District
        from sites.models import Attempt, Participant
        from sites.services.imports import import_file_run
        from sites.tabular import read_table
        from tests import factories

        program = factories.ProgramFactory(max_attempts=5)
        rfp = factories.make_rfp(program=program)
        organization = factories.OrganizationFactory()
        application = factories.make_application(
            rfp=rfp, organization=organization, status="submitted"
        )
        from grants.services.decisions import award_create
        from sites.services.sites import site_create_from_award

        staff = factories.UserFactory(roles=["program_staff"])
        site = site_create_from_award(
            award=award_create(application=application, actor=staff, reason="Bench."),
            actor=staff,
        )
        floor_site = site_create_from_award(
            award=award_create(
                application=factories.make_application(
                    rfp=rfp, organization=factories.OrganizationFactory(), status="submitted"
                ),
                actor=staff,
                reason="Bench.",
            ),
            actor=staff,
        )
        districts = list(District.objects.values_list("name", flat=True)[:50])
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

        # The floor: parse the CSV, look districts up from one dict, bulk_create.
        started = time.perf_counter()
        by_name = {d.name: d for d in District.objects.all()}
        reader = csv.DictReader(io.StringIO(roster.decode()))
        Participant.objects.bulk_create(
            [
                Participant(
                    site=floor_site,
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
        floor = time.perf_counter() - started

        def run(data, kind):
            table = read_table(io.BytesIO(data))
            started = time.perf_counter()
            preview = import_file_run(site=site, kind=kind, table=table, actor=None, dry_run=True)
            middle = time.perf_counter()
            write = import_file_run(site=site, kind=kind, table=table, actor=None, dry_run=False)
            finished = time.perf_counter()
            assert preview.ok and write.ok, (preview.errors[:3], write.errors[:3])
            return {
                "preview_s": middle - started,
                "confirm_s": finished - middle,
                "total_s": finished - started,
            }

        roster_times = run(roster, "roster")
        attempt_times = run(attempts, "attempts")
        assert Participant.objects.filter(site=site).count() == ROWS
        assert Attempt.objects.filter(participant__site=site).count() == ROWS
        return {
            "vendor": connection.vendor,
            "rows": ROWS,
            "floor_csv_bulk_create_s": floor,
            "roster": {**roster_times, "x_floor": roster_times["total_s"] / floor},
            "attempts": {**attempt_times, "x_floor": attempt_times["total_s"] / floor},
            "target_x_floor": 5,
        }
    finally:
        teardown_databases(old, verbosity=0)


def main():
    RESULTS.mkdir(exist_ok=True)
    targets = {"sqlite": ""}
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/pg_issue5")
    targets["postgresql"] = postgres
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
