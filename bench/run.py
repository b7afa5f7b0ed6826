"""`make bench`: every member page and API read, served by real gunicorn (gunicorn.conf.py, two
workers) and loaded with wrk, as ratios against baselines measured in the same run; then the
diff engine and the whole-book diff against git. One table, the issue's targets beside each
figure (issue 10, "Targets").

Per database (SQLite in a temporary folder; PostgreSQL at BENCH_DATABASE_URL, or a throw-away
`rb_benchrun` created and dropped on postgres://postgres@127.0.0.1:5432, skipped with a line
saying so when unreachable), in a child process with that database configured:

1. migrate, load the demo (`load_demo`) and a generated book of BENCH_RULES rules x 3
   versions (bench/book.py), both through the ordinary importer;
2. SQL queries per request of each read, with nothing cached and then from the page cache
   (Django's test client and CaptureQueriesContext, once per URL);
3. the rule book on a date against a bare `values_list` read of the same rows, and the
   whole-book diff between the first and last dates against `git diff --word-diff`;
4. two servers in turn. "Cold": CACHE_URL=dummycache://, so the page cache never holds an
   answer and every request runs its view (the same keys, the same code, nothing kept); the
   ETag check still reads the revision, as it does in production. "Warm": the shared cache
   (Redis at BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, flushed first; locmem per
   worker when Redis does not answer) primed with one GET per URL, then the same URL under
   wrk, then again with the primed ETag in If-None-Match (the 304 path). Each server's own
   `/healthz` (no database) and `/healthz/db` (one trivial query) are loaded before each
   book's URLs and after the last; ratios are against their mean. The 1,000-rule book's cold
   target (nothing over 1 s) is checked on the time per request, workers / (requests a
   second), which leaves out the wait behind another request that wrk's latency also holds.

Worker RSS (VmRSS of each gunicorn worker) is read after each server's run; workers are not
recycled during it (GUNICORN_MAX_REQUESTS=0). Rate limits are lifted (bench/settings.py):
every request comes from one address. Environment: BENCH_RULES (1000), BENCH_SECONDS (3 per
wrk run), BENCH_CONNECTIONS (4), BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SKIP_POSTGRES=1.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench import wrk as wrk_tool  # noqa: E402
from bench.report import EVENT_READ, Target, cell, ratio  # noqa: E402
from bench.server import WORKERS  # noqa: E402

RULES = int(os.environ.get("BENCH_RULES", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_THROWAWAY = "rb_benchrun"

# Issue 10, "Targets".
WARM = Target(">=", 0.5)
NOT_MODIFIED = Target(">=", 0.8)
COLD_DEMO = Target(">=", 0.25)
COLD_BIG = Target("<=", 1000, " ms")  # per request: workers / (requests a second)
RSS = Target("<=", 150, " MB")
DIFF_500 = Target("<=", 0.1)
WHOLE_BOOK = Target("<=", 1.0)
# The reads whose cold ratio on the demo has a target (the others are reported only).
COLD_DEMO_READS = {"contents on a date", "rule page", "compare", "blame", "API diff"}

DEMO, BIG = "demo", "generated"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the child: one database ----------------------------------------------------------------


def server_env(database_url: str, cache_url: str, static_root: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "BENCH_STATIC_ROOT": static_root,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
    }


def child(database_url: str, out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rulebook-bench-"))
    os.environ.update(server_env(database_url, "locmemcache://bench", str(tmp / "static")))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import measure, server
    from bench.book import SLUG, build_rulebook
    from rulebook.models import Rulebook

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    started = time.perf_counter()
    build_rulebook(RULES)
    log(f"  built the {RULES:,}-rule book in {time.perf_counter() - started:.1f} s")
    # Give the planner the statistics a live database has (autovacuum's ANALYZE): without
    # them PostgreSQL guesses one rule per book and searches the 1,000-rule book with a GIN
    # scan per rule (≈250 ms a search instead of ≈15 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    books = {
        DEMO: Rulebook.objects.exclude(slug=SLUG).get(),
        BIG: Rulebook.objects.get(slug=SLUG),
    }
    reads = {name: measure.reads(book) for name, book in books.items()}
    result: dict = {"reads": {}, "servers": {}}
    for name, book_reads in reads.items():
        for read in book_reads:
            status, cold, warm = measure.query_counts(read.path)
            result["reads"][f"{name} {read.name}"] = {
                "book": name,
                "name": read.name,
                "path": read.path,
                "status": status,
                "queries_cold": cold,
                "queries_warm": warm,
            }
    big = books[BIG]
    from rulebook.models import RuleVersion

    dates = sorted(
        set(RuleVersion.objects.filter(rule__rulebook=big).values_list("effective_from", flat=True))
    )
    on_a_date = measure.rulebook_on_a_date(big, dates[len(dates) // 2])
    result["on_a_date"] = asdict(on_a_date)
    if measure.git_available():
        result["whole_book"] = asdict(measure.whole_book_diff(big, dates[0], dates[-1]))
    warm_cache = _warm_cache_url()
    result["cache"] = warm_cache
    from django.db import connections

    connections.close_all()  # the servers are the database's only clients from here on
    for mode, cache_url in (("cold", "dummycache://"), ("warm", warm_cache)):
        if cache_url.startswith("redis://"):
            _flush_redis(cache_url)
        env = server_env(database_url, cache_url, str(tmp / "static"))
        log(f"  {mode} server ({cache_url})")
        with server.gunicorn(env, tmp / f"gunicorn-{mode}.log") as running:
            result["servers"][mode] = _load(running, reads, mode, result["reads"])
    out.write_text(json.dumps(result))


def _warm_cache_url() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # any failure to reach Redis means "use locmem"
        return "locmemcache://bench"
    return REDIS_URL


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _load(running, reads: dict, mode: str, counted: dict) -> dict:
    from bench.server import get

    def load(path: str, headers: dict | None = None) -> dict:
        result = wrk_tool.run(
            running.url(path), seconds=SECONDS, connections=CONNECTIONS, headers=headers
        )
        return asdict(result)

    baselines = []
    figures: dict = {}
    for name, book_reads in reads.items():
        # Baselines before each book's reads and after the last: their mean follows the
        # machine's load through the run better than one measurement at the start.
        baselines.append({"healthz": load("/healthz"), "bare": load("/healthz/db")})
        for read in book_reads:
            key = f"{name} {read.name}"
            if counted[key]["status"] != 200:
                continue
            log(f"    {key}")
            status, headers, _ = get(running.url(read.path))  # fills the warm cache
            entry = {"primed": status, "load": load(read.path)}
            if mode == "warm" and "ETag" in headers:
                entry["not_modified"] = load(read.path, {"If-None-Match": headers["ETag"]})
            figures[key] = entry
    baselines.append({"healthz": load("/healthz"), "bare": load("/healthz/db")})
    return {"baselines": baselines, "reads": figures, "rss_mb": running.worker_rss_mb()}


# --- the parent: every database, one table ---------------------------------------------------


def databases() -> list[tuple[str, str | None, str]]:
    """(label, URL or None to skip, note) of each database to run on."""
    tmp = tempfile.mkdtemp(prefix="rulebook-bench-sqlite-")
    found = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3", "temporary file")]
    if os.environ.get("BENCH_SKIP_POSTGRES"):
        return [*found, ("PostgreSQL", None, "skipped: BENCH_SKIP_POSTGRES is set")]
    if os.environ.get("BENCH_DATABASE_URL"):
        return [*found, ("PostgreSQL", os.environ["BENCH_DATABASE_URL"], "BENCH_DATABASE_URL")]
    try:
        _postgres_admin(f"DROP DATABASE IF EXISTS {PG_THROWAWAY}")
        _postgres_admin(f"CREATE DATABASE {PG_THROWAWAY}")
    except Exception as exc:
        return [*found, ("PostgreSQL", None, f"skipped: {PG_ADMIN_URL} unreachable ({exc})")]
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_THROWAWAY}"
    return [*found, ("PostgreSQL", url, f"throw-away {PG_THROWAWAY}")]


def _postgres_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def diff_engine() -> dict[str, float]:
    """The 500-word rule with five small edits: each engine's time against difflib's."""
    from bench import bench_diff as b

    rule = b.rule_text(500, seed=1)
    edited = b.edit(rule, 5, seed=2)
    difflib_us = b.median_us(lambda: b.difflib_ops(rule, edited, autojunk=False))
    return {
        "difflib_us": difflib_us,
        "diff_words": b.median_us(lambda: b.diff_words(rule, edited)) / difflib_us,
        "patiencediff": b.median_us(lambda: b.matcher_ops(rule, edited, b.patience_blocks))
        / difflib_us,
    }


def rows_of(label: str, result: dict) -> list[list[str] | None]:
    rows: list[list[str] | None] = []
    servers = result["servers"]
    base = {mode: _baselines(servers[mode]) for mode in servers}
    for mode, (healthz, bare) in base.items():
        rows.append(
            [
                f"{mode} server baselines",
                "",
                label,
                "",
                f"/healthz {healthz:.0f} r/s",
                f"/healthz/db {bare:.0f} r/s ({ratio(bare, healthz):.2f}x of /healthz)",
                "",
                "",
                "",
                "",
            ]
        )
    demo_queries = {
        r["name"]: (r["queries_cold"], r["queries_warm"])
        for r in result["reads"].values()
        if r["book"] == DEMO
    }
    for key, read in result["reads"].items():
        cold = servers.get("cold", {}).get("reads", {}).get(key)
        warm = servers.get("warm", {}).get("reads", {}).get(key)
        queries = f"{read['queries_cold']}/{read['queries_warm']}"
        if read["book"] == BIG and demo_queries.get(read["name"]) != (
            read["queries_cold"],
            read["queries_warm"],
        ):
            queries += " (demo {}/{})".format(*demo_queries.get(read["name"], ("?", "?")))
        if read["status"] != 200:
            rows.append(
                [
                    read["name"],
                    read["book"],
                    label,
                    queries,
                    f"HTTP {read['status']}: not loaded",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
            continue
        rows.append(
            [
                read["name"],
                read["book"],
                label,
                queries,
                *_cold_cells(read, cold, base),
                *_warm_cells(warm, base),
            ]
        )
    return rows


def _baselines(server: dict) -> tuple[float, float]:
    runs = server["baselines"]
    healthz = sum(r["healthz"]["requests_per_s"] for r in runs) / len(runs)
    bare = sum(r["bare"]["requests_per_s"] for r in runs) / len(runs)
    return healthz, bare


def _cold_cells(read: dict, cold: dict | None, base: dict) -> list[str]:
    if cold is None:
        return ["-", "-"]
    load = cold["load"]
    healthz, bare = base["cold"]
    if read["book"] == BIG:
        # Time per request: each of the workers serves one at a time, so this is what one
        # request costs, without the wait behind another that wrk's latency also holds.
        each = 1000 * WORKERS / load["requests_per_s"] if load["requests_per_s"] else None
        shown = f"{load['requests_per_s']:.1f} r/s {ratio(load['requests_per_s'], bare):.3f}x bare"
        return [
            f"{shown}; {cell(each, COLD_BIG, unit=' ms')} a request",
            f"p50 {load['p50_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms",
        ]
    target = COLD_DEMO if read["name"] in COLD_DEMO_READS else None
    return [
        f"{load['requests_per_s']:.0f} r/s {cell(ratio(load['requests_per_s'], bare), target)}"
        f" ({ratio(load['requests_per_s'], healthz):.3f}x hz)",
        f"p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms",
    ]


def _warm_cells(warm: dict | None, base: dict) -> list[str]:
    if warm is None:
        return ["-", "-", "-", "-"]
    healthz, bare = base["warm"]
    load = warm["load"]
    cells = [
        f"{load['requests_per_s']:.0f} r/s {cell(ratio(load['requests_per_s'], bare), WARM)}"
        f" ({ratio(load['requests_per_s'], healthz):.2f}x hz)",
        f"p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms",
    ]
    nm = warm.get("not_modified")
    if nm is None:
        return [*cells, "no ETag", "-"]
    answered = sum(nm["statuses"].values()) or 1
    share = nm["statuses"].get("304", 0) / answered
    return [
        *cells,
        f"{cell(ratio(nm['requests_per_s'], bare), NOT_MODIFIED)}",
        f"{share:.0%} 304, p50 {nm['p50_ms']:.1f} ms",
    ]


def summary_rows(label: str, result: dict) -> list[list[str]]:
    rows = []
    rss = [mb for server in result["servers"].values() for mb in server["rss_mb"]]
    if rss:
        rows.append(
            _summary(
                "worker RSS after the run (max)",
                label,
                cell(max(rss), RSS, unit=" MB"),
                ", ".join(f"{mb:.0f}" for mb in rss) + " MB",
            )
        )
    day = result["on_a_date"]
    rows.append(
        _summary(
            f"rule book on a date, {day['rows']:,} rules",
            label,
            f"rulebook_at {day['rulebook_at_ms']:.1f} ms = "
            f"{ratio(day['rulebook_at_ms'], day['values_list_ms']):.1f}x values_list",
            f"values_list {day['values_list_ms']:.1f} ms",
        )
    )
    cold_contents = (
        result["servers"].get("cold", {}).get("reads", {}).get(f"{BIG} contents on a date")
    )
    if cold_contents:
        p50 = cold_contents["load"]["p50_ms"]
        rows.append(
            _summary(
                "contents page cold p50 vs values_list",
                label,
                f"{p50:.0f} ms = {ratio(p50, day['values_list_ms']):.1f}x values_list",
                "(a page of the contents, served)",
            )
        )
    cold_reads = result["servers"].get("cold", {}).get("reads", {})
    event = cold_reads.get(f"{DEMO} {EVENT_READ}")
    rule_page = cold_reads.get(f"{DEMO} rule page")
    if event and rule_page and event["load"]["requests_per_s"]:
        rows.append(
            _summary(
                "nomination event under every edition vs rule page, cold",
                label,
                f"{ratio(rule_page['load']['requests_per_s'], event['load']['requests_per_s']):.2f}"
                "x the rule page's time",
                "issue 13: comparable to a rule page (demo; time per request ratio)",
            )
        )
    whole = result.get("whole_book")
    if whole:
        faster = min(whole["git_per_rule_ms"], whole["git_per_edition_ms"])
        rows.append(
            _summary(
                f"whole-book diff, {whole['changed_rules']:,} changed rules",
                label,
                f"ours {whole['ours_ms']:.0f} ms = "
                + cell(ratio(whole["ours_ms"], faster), WHOLE_BOOK)
                + " git",
                f"git word-diff: per-rule files {whole['git_per_rule_ms']:.0f} ms, "
                f"one file per edition {whole['git_per_edition_ms']:.0f} ms "
                "(ratio vs the faster)",
            )
        )
    rows.append(_summary("shared cache of the warm server", label, result["cache"], ""))
    return rows


def _summary(name: str, label: str, figure: str, detail: str) -> list[str]:
    return [name, "", label, "", figure, detail, "", "", "", ""]


HEADERS = [
    "read",
    "book",
    "db",
    "SQL cold/warm",
    "cold req/s, x bare (target)",
    "cold latency",
    "warm req/s, x bare (target)",
    "warm latency",
    "304 x bare (target)",
    "304 answers",
]


def main() -> int:
    if not wrk_tool.available():
        print("wrk is not installed (apt-get install wrk; `make bench` does it as root).")
        return 2
    load_before = os.getloadavg()[0]
    log("== diff engine: 500-word rule, 5 small edits ==")
    engine = diff_engine()
    rows: list[list[str] | None] = [
        _summary(
            "diff of a 500-word rule vs difflib(autojunk=False)",
            "",
            cell(engine["diff_words"], DIFF_500) + " (rapidfuzz Indel)",
            f"patiencediff {engine['patiencediff']:.2f}x; difflib {engine['difflib_us']:.0f} us",
        )
    ]
    notes = []
    for label, url, note in databases():
        notes.append(f"{label}: {note}")
        if url is None:
            log(f"== {label}: {note} ==")
            rows += [None, _summary(f"{label} skipped", label, note, "")]
            continue
        log(f"== {label} ({note}) ==")
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            path = Path(out.name)
        try:
            subprocess.run(
                [sys.executable, __file__, "--child", url, str(path)], check=True, cwd=ROOT
            )
            result = json.loads(path.read_text())
        finally:
            path.unlink(missing_ok=True)
            if note.startswith("throw-away"):
                _postgres_admin(f"DROP DATABASE IF EXISTS {PG_THROWAWAY}")
        rows += [None, *rows_of(label, result), None, *summary_rows(label, result)]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"make bench: gunicorn ({WORKERS} sync workers, gunicorn.conf.py) under wrk "
        f"({CONNECTIONS} connections, {SECONDS:.0f} s a run); demo and a generated "
        f"{RULES:,}-rule x 3-version book; {'; '.join(notes)}; load average "
        f"{load_before:.1f} at the start, {load_after:.1f} at the end ({os.cpu_count()} CPUs)"
    )
    text = report.table(HEADERS, rows)
    print(text)
    print(f"\n{report.failures(text)} figures miss their target.")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        sys.exit(main())
