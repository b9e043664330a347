"""Time and peak memory to build the convening packet PDF: for pilot three (15 sites)
and for 200 generated sites.

Pilot three is loaded into its own SQLite database (var/bench.sqlite3) unless
BENCH_DATABASE_URL names one that already holds it. The 200-site case renders the same
template with 200 site stories generated from pilot three's (names numbered), since
creating 200 awarded sites through the services would measure the loader, not the packet.
Writes bench/results/packet.json."""

import json
import os
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    )
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pilot_three", stdout=StringIO())


def _measure(label, build):
    # Peak resident memory of the process so far (Linux reports KiB); cases run smallest
    # first, so each peak includes the one before it at most.
    started = time.perf_counter()
    pdf = build()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "case": label,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(peak / 1024, 1),
        "pdf_kib": round(len(pdf) / 1024, 1),
    }
    print(json.dumps(result))
    return result


def main():
    _setup()
    from django.utils import timezone

    from cms.convening.charts import convening_charts
    from cms.convening.selectors import live_figures, page_sessions
    from cms.models import ConveningPage
    from grants.pdf import render_pdf

    page = ConveningPage.objects.get(slug="pilot-three-convening")
    sessions = list(page_sessions(page))

    def build(stories=None):
        figures = live_figures(page.program)
        context = {
            "page": page,
            "figures": figures,
            "charts": convening_charts(figures),
            "stories": stories if stories is not None else figures["stories"],
            "sessions": sessions,
            "generated_at": timezone.now(),
        }
        return render_pdf("pdf/convening_packet.html", context)

    base = live_figures(page.program)["stories"]
    generated = [
        {**base[i % len(base)], "site": f"{base[i % len(base)]['site']} #{i + 1}"}
        for i in range(200)
    ]
    results = [
        _measure("pilot three (15 sites)", build),
        _measure("200 generated sites", lambda: build(generated)),
    ]
    out = ROOT / "bench" / "results" / "packet.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
