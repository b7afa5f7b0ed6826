"""`make bench`: throughput and latency of the main reads, as ratios against baselines
measured in the same run (absolute numbers vary from machine to machine; ratios much less).

- Diff engine: `bench/bench_diff.py` (Myers vs difflib measured side by side).
- Pages and API: a generated rule book of N rules (default 1,000) with three versions each in
  a throw-away database (SQLite in a temp folder, or BENCH_DATABASE_URL naming an EMPTY
  database); each page's median latency is reported against `/healthz`, which does no
  database work, and the rule book on a date against a bare read of as many rows.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RULES = int(os.environ.get("BENCH_RULES", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def median_ms(fn, repeat=REPEAT):
    fn()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def build_rulebook(size):
    import datetime

    from rulebook.models import Rule, Rulebook, RuleVersion

    book = Rulebook.objects.create(slug="bench", title="Benchmark rule book")
    chapters = [Rule(rulebook=book, key=f"c{i}", position=0) for i in range(max(1, size // 20))]
    position = 0
    rules = []
    for chapter in chapters:
        position += 1
        chapter.position = position
        rules.append(chapter)
    Rule.objects.bulk_create(rules)
    children = []
    for i in range(size - len(chapters)):
        position += 1
        children.append(
            Rule(rulebook=book, key=f"r{i}", parent=chapters[i % len(chapters)], position=position)
        )
    Rule.objects.bulk_create(children)
    words = "members nominations conference shall each year the party rule clause any " * 40
    versions = []
    for rule in Rule.objects.filter(rulebook=book):
        for seq, year in enumerate((2013, 2017, 2021), start=1):
            text = words.replace("year", f"year{seq}", seq)
            versions.append(
                RuleVersion(
                    rule=rule,
                    seq=seq,
                    number=f"{rule.key}.{seq}",
                    heading=f"Heading {rule.key}",
                    text=text,
                    effective_from=datetime.date(year, 9, 27),
                    provenance="reconstructed",
                    source="Generated for the benchmark",
                    parent_id=rule.parent_id,
                    position=f"{rule.position:08d}5",  # a sibling key in document order
                )
            )
    RuleVersion.objects.bulk_create(versions, batch_size=2000)
    return book


def main():
    print("== Diff engine ==", flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_diff.py")], check=True)

    tmp = tempfile.mkdtemp(prefix="rulebook-bench-")
    # Never the configured database: a throw-away one, PostgreSQL if BENCH_DATABASE_URL says so.
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from rulebook.models import RuleVersion
    from rulebook.selectors import rulebook_at

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    book = build_rulebook(RULES)
    print(
        f"\n== Pages and API on {RULES} rules, 3 versions each "
        f"(built in {time.perf_counter() - start:.1f} s) =="
    )
    import datetime

    on = datetime.date(2019, 1, 1)
    client = Client(HTTP_HOST="127.0.0.1")
    baseline = median_ms(lambda: client.get("/healthz"))
    bare = median_ms(lambda: list(RuleVersion.objects.filter(rule__rulebook=book, seq=2)))
    snapshot = median_ms(lambda: rulebook_at(rulebook=book, on=on))
    print(f"{'baseline /healthz':40} {baseline:9.2f} ms")
    print(
        f"{'rulebook_at vs bare read of as many rows':40} {snapshot:9.2f} ms  "
        f"x{snapshot / bare:.2f} of {bare:.2f} ms"
    )
    pages = [
        ("contents on a date", "/bench/?at=2019-01-01"),
        ("rule page", "/bench/rules/r5/"),
        ("version permalink", "/bench/rules/r5/v/2/"),
        ("compare two versions", "/bench/rules/r5/compare/?from=1&to=3"),
        ("blame", "/bench/rules/r5/blame/"),
        ("changes 2014-2022", "/bench/changes/?from=2014-01-01&to=2022-01-01"),
        ("API rules on a date", "/api/rulebooks/bench/rules/?at=2019-01-01"),
        ("API diff", "/api/rulebooks/bench/rules/r5/diff/?from=1&to=3"),
    ]
    for label, url in pages:
        status = client.get(url).status_code
        if status != 200:
            print(f"{label:40} skipped (HTTP {status})")
            continue
        ms = median_ms(lambda url=url: client.get(url))
        print(f"{label:40} {ms:9.2f} ms  x{ms / baseline:.1f} baseline  {1000 / ms:8.1f} req/s")


if __name__ == "__main__":
    main()
