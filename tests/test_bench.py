"""`make bench`'s generator, URL list, wrk parser and table: tested so that the numbers it
prints are about the pages it claims (no timing here; the bench itself is not run in CI)."""

import datetime

import pytest

from bench import measure, report, wrk
from bench.book import DATES, PARAMETER, SLUG, book_document, build_rulebook, rule_keys
from bench.report import EVENT_READ, FAIL, PASS, Target, cell, ratio
from bench.run import COLD_BIG, COLD_DEMO, WARM
from rulebook.models import Parameter, Rule, Rulebook, RuleVersion
from rulebook.selectors import rulebook_at

# A real `wrk --latency -s` report (bench/wrk.py's status script) of a server answering 404.
WRK_404 = """\
Running 1s test @ http://127.0.0.1:18765/nothing-here
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.84ms    2.65ms  19.83ms   86.51%
    Req/Sec   812.10    239.88     1.45k    70.00%
  Latency Distribution
     50%    1.76ms
     75%    4.14ms
     90%    6.32ms
     99%   12.48ms
  1617 requests in 1.01s, 821.31KB read
  Non-2xx or 3xx responses: 1617
Requests/sec:   1594.97
Transfer/sec:    810.12KB
status 404 1617
"""

# Slow answers: latency in seconds and microseconds, a socket error line, two statuses.
WRK_MIXED = """\
Running 3s test @ http://127.0.0.1:8000/bench/changes/
  2 threads and 4 connections
  Latency Distribution
     50%  850.00us
     75%    1.20s
     90%    1.50s
     99%    2.01s
  10 requests in 3.02s, 1.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:      3.31
Transfer/sec:    373.00KB
status 200 8
status 304 2
"""


def test_the_wrk_report_is_read_into_rate_percentiles_and_statuses():
    result = wrk.parse(WRK_404)
    assert result.requests_per_s == pytest.approx(1594.97)
    assert result.p50_ms == pytest.approx(1.76)
    assert result.p99_ms == pytest.approx(12.48)
    assert result.requests == 1617
    assert result.statuses == {404: 1617}
    assert result.share(200) == 0
    assert result.share(404) == 1


def test_wrk_units_and_socket_errors_are_converted():
    result = wrk.parse(WRK_MIXED)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p99_ms == pytest.approx(2010)
    assert result.socket_errors == 3
    assert result.share(304) == pytest.approx(0.2)


def test_output_that_is_not_a_wrk_report_is_refused():
    with pytest.raises(wrk.WrkError):
        wrk.parse("wrk: invalid URL\n")
    with pytest.raises(wrk.WrkError):  # no latency distribution: run without --latency
        wrk.parse(WRK_404.replace("     50%    1.76ms\n", ""))


def test_ratios_and_targets_give_pass_or_fail_beside_the_figure():
    assert ratio(50, 200) == 0.25
    assert ratio(50, 0) is None
    assert ratio(None, 10) is None
    assert COLD_DEMO.met(0.25) and not COLD_DEMO.met(0.2499)
    assert COLD_BIG.met(1000) and not COLD_BIG.met(1000.1)
    assert WARM.met(None) is None
    assert cell(0.31, COLD_DEMO) == f"0.31x \u22650.25x {PASS}"
    assert cell(0.062, WARM) == f"0.062x \u22650.50x {FAIL}"
    assert cell(1200, COLD_BIG, unit=" ms") == f"1200 ms \u22641000 ms {FAIL}"
    assert cell(None, WARM) == "-"
    assert cell(3.456) == "3.46x"
    with pytest.raises(ValueError):
        Target("==", 1)


def test_the_table_aligns_columns_draws_rules_and_counts_failures():
    text = report.table(
        ["read", "figure"],
        [["rule page", cell(0.3, COLD_DEMO)], None, ["contents", cell(0.1, COLD_DEMO)]],
    )
    lines = text.splitlines()
    assert lines[0].startswith("read      | figure")
    assert lines[1].startswith("----------+-")
    assert lines[3] == lines[1]
    assert lines[2].index("|") == lines[4].index("|") == lines[0].index("|")
    assert report.failures(text) == 1
    with pytest.raises(ValueError):
        report.table(["a", "b"], [["only one"]])


def test_the_generated_document_has_n_rules_of_three_versions_in_document_order():
    document = book_document(45)
    rules = document["rules"]
    assert len(rules) == 45
    assert [r["key"] for r in rules] == rule_keys(45)
    assert len({r["key"] for r in rules}) == 45
    assert all([v["effective_from"] for v in r["versions"]] == list(DATES) for r in rules)
    chapters = [r for r in rules if "parent" not in r]
    assert len(chapters) == 2
    seen = set()
    for rule in rules:  # a parent always comes before its rules
        assert rule.get("parent") is None or rule["parent"] in seen
        seen.add(rule["key"])
    texts = [v["text"] for v in rules[1]["versions"]]
    assert len(set(texts)) == 3  # each version amends the one before
    with pytest.raises(ValueError):
        book_document(1)


@pytest.fixture
def generated(db):
    return build_rulebook(40)


def test_the_generated_book_imports_with_every_rule_and_version(generated):
    assert generated.slug == SLUG
    assert Rule.objects.filter(rulebook=generated).count() == 40
    versions = RuleVersion.objects.filter(rule__rulebook=generated)
    assert versions.count() == 120
    assert set(versions.values_list("seq", flat=True)) == {1, 2, 3}
    assert Parameter.objects.filter(rulebook=generated, key=PARAMETER).exists()
    snapshot = rulebook_at(rulebook=generated, on=datetime.date(2019, 1, 1))
    assert len(snapshot) == 40
    assert {e.version.seq for e in snapshot.entries} == {2}
    assert [e.depth for e in snapshot.entries][:3] == [0, 1, 1]


def test_every_read_of_the_runner_answers_200_on_a_generated_book(generated):
    reads = measure.reads(generated)
    names = [read.name for read in reads]
    assert len(names) == 14 and len(set(names)) == 14
    assert "proposal page" in names and "parameter page" in names
    for read in reads:
        status, cold, warm = measure.query_counts(read.path)
        assert status == 200, read.path
        # The page cache answers a repeat with the revision read alone.
        assert warm < cold, read.path


def test_the_runner_reads_no_other_book(generated):
    other = Rulebook.objects.create(slug="other", title="Another book")
    assert all(f"/{other.slug}/" not in read.path for read in measure.reads(generated))


def test_the_bare_one_query_view_answers_with_one_query(db, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/db")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.post("/healthz/db").status_code == 405


def test_the_whole_book_diff_and_the_values_list_read_cover_the_same_rules(generated):
    whole = measure.whole_book_diff(generated, DATES[0], DATES[-1])
    assert whole.changed_rules == 40
    assert whole.ours_ms > 0
    # git's CPU time is counted in the kernel's ticks: a tiny book may take less than one.
    assert whole.git_per_rule_ms >= 0 and whole.git_per_edition_ms >= 0
    day = measure.rulebook_on_a_date(generated, DATES[1])
    assert day.rows == 40


def _load(rate, p50=10.0, p99=20.0, statuses=None):
    return {
        "requests_per_s": rate,
        "p50_ms": p50,
        "p99_ms": p99,
        "requests": int(rate * 3),
        "statuses": statuses or {"200": int(rate * 3)},
        "socket_errors": 0,
    }


def test_the_runner_puts_each_figure_beside_its_target():
    from bench import run

    base = [
        {"healthz": _load(1000), "bare": _load(400)},
        {"healthz": _load(1000), "bare": _load(600)},
    ]
    result = {
        "reads": {
            "demo rule page": {"book": "demo", "name": "rule page", "path": "/d/rules/x/",
                               "status": 200, "queries_cold": 9, "queries_warm": 1},
            "generated rule page": {"book": "generated", "name": "rule page", "path": "/g/",
                                    "status": 200, "queries_cold": 6, "queries_warm": 1},
        },
        "servers": {
            "cold": {"baselines": base, "rss_mb": [90.0, 160.0], "reads": {
                "demo rule page": {"primed": 200, "load": _load(100)},
                "generated rule page": {"primed": 200, "load": _load(1.5)},
                "demo nomination event, every edition": {"primed": 200, "load": _load(50)},
            }},
            "warm": {"baselines": base, "rss_mb": [91.0], "reads": {
                "demo rule page": {"primed": 200, "load": _load(300), "not_modified": _load(
                    450, statuses={"304": 90, "200": 10})},
                "generated rule page": {"primed": 200, "load": _load(200)},
            }},
        },
        "on_a_date": {"rows": 1000, "rulebook_at_ms": 30.0, "values_list_ms": 10.0},
        "whole_book": {"changed_rules": 1000, "ours_ms": 250.0, "git_per_rule_ms": 70.0,
                       "git_per_edition_ms": 50.0},
        "cache": "redis://127.0.0.1:6379/13",
    }  # fmt: skip
    rows = run.rows_of("SQLite", result)
    demo = next(r for r in rows if r and r[:2] == ["rule page", "demo"])
    big = next(r for r in rows if r and r[:2] == ["rule page", "generated"])
    assert demo[3] == "9/1"
    assert big[3] == "6/1 (demo 9/1)"  # a count that differs from the demo's is shown
    assert demo[4].startswith("100 r/s 0.20x \u22650.25x") and demo[4].endswith("FAIL (0.100x hz)")
    assert "0.60x \u22650.50x pass" in demo[6]  # 300 r/s against a bare 500
    assert demo[8] == "0.90x \u22650.80x pass" and demo[9].startswith("90% 304")
    assert "1333 ms \u22641000 ms FAIL a request" in big[4]  # 2 workers at 1.5 r/s
    assert big[8] == "no ETag"
    summary = run.summary_rows("SQLite", result)
    text = "\n".join(" ".join(r) for r in summary)
    assert "160 MB \u2264150 MB FAIL" in text
    assert "rulebook_at 30.0 ms = 3.0x values_list" in text
    assert "5.00x \u22641.00x FAIL git" in text  # against the faster git layout
    # The event page at 50 r/s against the rule page's 100: twice a rule page's time.
    assert "2.00x the rule page's time" in text


def test_a_book_with_a_nomination_event_is_measured_judging_it_under_every_edition(db):
    from rulebook.exchange import rulebook_import
    from tests.numbers_book import guild_document

    book = rulebook_import(data=guild_document())
    event = next(r for r in measure.reads(book) if r.name == EVENT_READ)
    assert event.path.startswith(f"/{book.slug}/events/") and "rules_on=" in event.path
    status, cold, warm = measure.query_counts(event.path)
    assert status == 200 and warm < cold
