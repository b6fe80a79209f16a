"""Benchmark at ten times the alliance's real size (and more): `python bench/run.py` / `make bench`.

Builds a large dataset in its own PostgreSQL database (DATABASE_URL with the name suffixed
`_bench`), then measures the main pages as a ratio to a trivial page with the same base template,
their query counts, the controlling JSON and PDF, the history import and one reminder sweep, and
prints a table. Results are also written to bench/results.json so runs can be compared.
Run `python bench/run.py --rebuild` to build the dataset again.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regionalbuendnis.settings.test")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the dataset")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the full dataset, built in its own database (`_bench_small`); "
        "the full run then shows the small run's query counts beside its own",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="measure only the pages and tasks whose name contains TEXT (e.g. `controlling`), "
        "besides the trivial page; the results are then printed but not written to results.json",
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="measure only the pages (no tasks); results are not written"
    )
    return parser.parse_args()


def _selected(name: str) -> bool:
    return not ARGS.only or ARGS.only.lower() in name.lower()


ARGS = _arguments()
FULL = ARGS.scale == 1.0


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/regionalbuendnis")
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_bench{'' if FULL else '_small'}"


def _results_path() -> Path:
    return ROOT / "bench" / ("results.json" if FULL else "results_small.json")


os.environ["DATABASE_URL"] = _bench_database_url()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench import dataset, urls_bench  # noqa: E402
from controlling.figures_cache import figures_changed  # noqa: E402

REPEAT = 15
TRIVIAL_URL = "/bench/trivial/"
# Pages whose year figures are cached until the data changes.
CACHED = ("dashboard", "controlling page")


def ensure_database():
    import psycopg

    name = settings.DATABASES["default"]["NAME"]
    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def median_seconds(callable_, repeat=REPEAT):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        callable_()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _getter(client, url):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return get


def measure_page(client, url, *, before_each=None):
    """The page's median time, the trivial page's median time measured in turn with it (so both
    see the same load on this shared machine), and the page's query count. `before_each` runs
    before every request of the page, outside the timing."""
    page, trivial = _getter(client, url), _getter(client, TRIVIAL_URL)
    before_each = before_each or (lambda: None)
    page()  # warm-up (template loading, caches)
    page_timings, trivial_timings = [], []
    for _ in range(REPEAT):
        trivial_timings.append(median_seconds(trivial, repeat=1))
        before_each()
        page_timings.append(median_seconds(page, repeat=1))
    before_each()
    return statistics.median(page_timings), statistics.median(trivial_timings), count_queries(page)


def count_queries(callable_) -> int:
    # An execute wrapper counts reliably across requests (the query log is reset per request).
    executed = []

    def wrapper(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        callable_()
    return len(executed)


def peak_memory(callable_):
    tracemalloc.start()
    started = time.perf_counter()
    result = callable_()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


def main():
    args = ARGS
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sizes = dataset.build(rebuild=args.rebuild, scale=args.scale)

    results = {"dataset": sizes, "pages": {}, "tasks": {}}
    # No line per login (django-axes), enqueued task or PDF layout step in the table.
    for logger in ("axes", "celery", "weasyprint", "weasyprint.progress"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    with override_settings(ROOT_URLCONF="bench.urls_bench", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(dataset.coordinator(), backend="members.backends.EmailBackend")
        trivial_seconds, _, trivial_queries = measure_page(client, TRIVIAL_URL)
        results["pages"]["trivial"] = {"seconds": trivial_seconds, "queries": trivial_queries, "ratio": 1.0}
        pages = urls_bench.main_pages()
        # The first visit after a change computes the cached year figures (controlling/figures_cache.py).
        pages += [(f"{name} (not cached)", url, True) for name, url in pages if name in CACHED]
        for name, url, *after_a_change in pages:
            if not _selected(name):
                continue
            before_each = figures_changed if after_a_change else None
            seconds, paired_trivial_seconds, queries = measure_page(client, url, before_each=before_each)
            results["pages"][name] = {
                "url": url,
                "seconds": seconds,
                "queries": queries,
                "ratio": seconds / paired_trivial_seconds,
            }

        for name, measure in dataset.task_measurements():
            if ARGS.pages_only or not _selected(name):
                continue
            results["tasks"][name] = measure()

    small = ROOT / "bench" / "results_small.json"
    small_results = json.loads(small.read_text()) if FULL and small.exists() else None
    print_table(results, small_results)
    if ARGS.only or ARGS.pages_only:
        return
    _results_path().write_text(json.dumps(results, indent=2, default=str))
    print(f"\nWritten to {_results_path()}")


def print_table(results, small_results=None):
    print("\nDataset:", ", ".join(f"{k} {v:,}" for k, v in results["dataset"].items()))
    small_pages = small_results["pages"] if small_results else {}
    small_header = f"{'queries (small)':>17}" if small_pages else ""
    print(f"\n{'page':<30}{'ms (median)':>12}{'× trivial':>11}{'queries':>9}{small_header}")
    for name, row in results["pages"].items():
        small_queries = f"{small_pages.get(name, {}).get('queries', '–'):>17}" if small_pages else ""
        print(
            f"{name:<30}{row['seconds'] * 1000:>12.1f}{row['ratio']:>11.2f}{row['queries']:>9}{small_queries}"
        )
    print(f"\n{'task':<30}  result")
    for name, row in results["tasks"].items():
        text = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())
        print(f"{name:<30}  {text}")
    if small_results:
        sizes = ", ".join(f"{k} {v:,}" for k, v in small_results["dataset"].items())
        print(f"\nqueries (small): the same pages on the small dataset ({sizes})")


if __name__ == "__main__":
    main()
