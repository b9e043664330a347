"""Time and peak memory to build the convening packet PDF, for pilot three (15 sites)
and for 200 sites.

Both cases run the real build (``cms.convening.services.packet_build``, what the
django-q2 task calls): the figures and stories from the database, the charts, the
weasyprint layout and the stored file. Pilot three is loaded by ``load_pilot_three`` into
var/bench-packet.sqlite3. For 200 sites, a copy of that database gets 185 more awarded
sites, each a clone of one of the fifteen (organization, application, award, site,
roster, attempts and accepted report with its quotes, names numbered), so the selectors
and the layout meet 200 real sites.

Each build runs in a fresh process, so its peak resident memory (ru_maxrss) is that of a
worker building one packet: Django, weasyprint and the build, nothing of the loading.
Writes bench/results/packet.json."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SITES = int(os.environ.get("BENCH_PACKET_SITES", "200"))


def _django(db: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()


def prepare(db: str) -> None:
    """Migrate and load pilot three (run in its own process)."""
    _django(Path(db))
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pilot_three", stdout=StringIO())


def _clone(obj, **changes):
    from django.db.models.base import ModelState

    model = type(obj)
    values = {
        f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key
    }
    copy = model(**values)
    copy._state = ModelState()
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def generate(db: str) -> None:
    """Add sites, cloned from pilot three's, until the program has SITES of them."""
    import uuid

    _django(Path(db))
    from django.db import transaction

    from sites.models import Attempt, GrantSite, Participant, ReportQuote, SiteReport

    templates = list(
        GrantSite.objects.filter(report__status="accepted")
        .select_related("award__application__organization", "report", "program")
        .prefetch_related("content_areas", "partner_districts")
        .order_by("pk")
    )
    program = templates[0].program
    have = GrantSite.objects.filter(program=program).count()
    with transaction.atomic():
        for n in range(have, SITES):
            t = templates[n % len(templates)]
            number = n + 1
            application = t.award.application
            org = _clone(
                application.organization,
                legal_name=f"{application.organization.legal_name} #{number}",
                slug=f"{application.organization.slug}-{number}",
            )
            org.save(force_insert=True)
            new_application = _clone(application, public_id=uuid.uuid4(), organization_id=org.pk)
            new_application.save(force_insert=True)
            new_application.content_areas.set(application.content_areas.all())
            new_application.partner_districts.set(application.partner_districts.all())
            award = _clone(t.award, application_id=new_application.pk)
            award.save(force_insert=True)
            site = _clone(
                t,
                award_id=award.pk,
                organization_id=org.pk,
                name=f"{t.name} #{number}",
                slug=f"{t.slug}-{number}",
            )
            site.save(force_insert=True)
            site.content_areas.set(t.content_areas.all())
            site.partner_districts.set(t.partner_districts.all())
            people = list(Participant.objects.filter(site=t).order_by("pk"))
            clones = Participant.objects.bulk_create([_clone(p, site_id=site.pk) for p in people])
            mapping = {old.pk: new.pk for old, new in zip(people, clones, strict=True)}
            Attempt.objects.bulk_create(
                [
                    _clone(a, participant_id=mapping[a.participant_id])
                    for a in Attempt.objects.filter(participant__site=t)
                ]
            )
            report = _clone(t.report, site_id=site.pk)
            report.save(force_insert=True)
            ReportQuote.objects.bulk_create(
                [
                    _clone(q, report_id=report.pk)
                    for q in ReportQuote.objects.filter(report=t.report)
                ]
            )
    accepted = SiteReport.objects.filter(site__program=program, status="accepted").count()
    assert GrantSite.objects.filter(program=program).count() == SITES
    print(json.dumps({"sites": SITES, "accepted_reports": accepted}))


def build(db: str, label: str) -> None:
    """Build one packet through the real service and print what it cost."""
    import resource
    import time

    _django(Path(db))
    import weasyprint  # noqa: F401 - imported up front, as a worker has it loaded
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.convening.services import packet_build, packet_request
    from cms.models import ConveningPacket, ConveningPage, PacketStatus
    from grants.models import User
    from sites.models import GrantSite

    page = ConveningPage.objects.get(slug="pilot-three-convening")
    staff = User.objects.get(email="staff@example.org")
    ConveningPacket.objects.filter(page=page).exclude(status=PacketStatus.DONE).delete()
    packet = packet_request(page=page, actor=staff)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        assert packet_build(packet_id=packet.pk)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    packet.refresh_from_db()
    assert packet.status == PacketStatus.DONE, packet.error
    with packet.file.open("rb") as handle:
        from pypdf import PdfReader

        reader = PdfReader(handle)
        pages = len(reader.pages)
        text = "".join(p.extract_text() or "" for p in reader.pages[-3:])
    sites = GrantSite.objects.filter(program=page.program).count()
    print(
        json.dumps(
            {
                "case": label,
                "sites": sites,
                "seconds": round(seconds, 2),
                "pages": pages,
                "pages_per_second": round(pages / seconds, 1),
                "queries": len(queries.captured_queries),
                "pdf_kib": round(packet.size / 1024, 1),
                "rss_before_build_mib": round(before / 1024, 1),
                "peak_rss_mib": round(peak / 1024, 1),
                "last_pages_have_text": bool(text.strip()),
            }
        )
    )


def _run(*args) -> str:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", f"import bench.bench_packet as b; b.{args[0]}(*{list(args[1:])!r})"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    if completed.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""


def main():
    VAR.mkdir(exist_ok=True)
    small = VAR / "bench-packet.sqlite3"
    large = VAR / "bench-packet-200.sqlite3"
    for db in (small, large):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    _run("prepare", str(small))
    shutil.copyfile(small, large)
    _run("generate", str(large))
    results = [
        json.loads(_run("build", str(small), "pilot three (15 sites)")),
        json.loads(_run("build", str(large), f"{SITES} sites")),
    ]
    for result in results:
        print(json.dumps(result))
    out = ROOT / "bench" / "results" / "packet.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
