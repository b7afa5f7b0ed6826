"""The benchmark's generated rule book: N rules, each with three versions, imported through the
ordinary file importer (`rulebook.exchange.rulebook_import`), so it is as valid as any book a
user could load and its record revision, search index and audit entry are all written.

Shape: a chapter for every 20 rules, the other rules spread over the chapters in order. Every
rule has versions effective 2013-09-27, 2017-09-27 and 2021-09-27; its texts are 60-200 words
of rule-book vocabulary, and each later version is the one before with a few words amended
(`bench_diff.edit`), as a conference changes a rule. One parameter is set on the first rule, and
one remitted proposal amends it, so the parameter and proposal pages have something to show.
"""

from __future__ import annotations

import datetime
import random

from bench.bench_diff import edit, rule_text

SLUG = "bench"
DATES = (datetime.date(2013, 9, 27), datetime.date(2017, 9, 27), datetime.date(2021, 9, 27))
RULES_PER_CHAPTER = 20
PARAMETER = "bench_threshold"
PROPOSAL = "2022/bench"


def chapter_count(size: int) -> int:
    return max(1, size // RULES_PER_CHAPTER)


def rule_keys(size: int) -> list[str]:
    """Every rule's key in document order: each chapter, then the rules under it."""
    chapters = chapter_count(size)
    children: list[list[str]] = [[] for _ in range(chapters)]
    for i in range(size - chapters):
        children[i % chapters].append(f"r{i}")
    return [key for c in range(chapters) for key in (f"c{c}", *children[c])]


def book_document(size: int, *, seed: int = 2013) -> dict:
    """The import document of a generated book of `size` rules with three versions each."""
    if size < 2:
        raise ValueError("a generated book needs a chapter and at least one rule")
    rng = random.Random(seed)
    chapters = chapter_count(size)
    rules = []
    for key in rule_keys(size):
        if key.startswith("c"):
            c = int(key[1:])
            rules.append(_rule(key, None, f"Chapter {c + 1}", rng))
        else:
            i = int(key[1:])
            c = i % chapters
            rules.append(_rule(key, f"c{c}", f"{c + 1}.{i // chapters + 1}", rng))
    first = next(rule for rule in rules if rule["key"] == "r0")
    for seq, version in enumerate(first["versions"]):
        version["parameters"] = {PARAMETER: 15 - 5 * min(seq, 1)}
    return {
        "rulebook": {"slug": SLUG, "title": f"Generated rule book of {size:,} rules"},
        "parameters": [{"key": PARAMETER, "label": "Generated threshold", "unit": "%"}],
        "rules": rules,
        "bodies": [
            {
                "slug": "conference",
                "name": "Annual Conference",
                "kind": "conference",
                "decides": True,
            }
        ],
        "proposals": [
            {
                "reference": PROPOSAL,
                "title": "Generated amendment of rule 1.1",
                "proposer": "The benchmark",
                "rationale": "Gives the proposal pages of the generated book something to show.",
                "conference_year": 2022,
                "status": "remitted",
                "amendments": [
                    {
                        "kind": "amend",
                        "rule": "r0",
                        "base_version": 3,
                        "text": edit(first["versions"][2]["text"], 3, seed=seed),
                    }
                ],
            }
        ],
    }


def _rule(key: str, parent: str | None, number: str, rng: random.Random) -> dict:
    text = rule_text(rng.randint(60, 200), seed=rng.randrange(1 << 30))
    versions = []
    for seq, day in enumerate(DATES, start=1):
        if seq > 1:
            text = edit(text, rng.randint(1, 4), seed=rng.randrange(1 << 30))
        versions.append(
            {
                "number": number,
                "heading": f"Generated rule {key}",
                "text": text,
                "effective_from": day,
                "provenance": "reconstructed",
                "source": "Generated for the benchmark",
            }
        )
    rule = {"key": key, "versions": versions}
    if parent:
        rule["parent"] = parent
    return rule


def build_rulebook(size: int, *, seed: int = 2013):
    """Import the generated book into the configured database and return it."""
    from rulebook.exchange import rulebook_import

    return rulebook_import(data=book_document(size, seed=seed), by=None)
