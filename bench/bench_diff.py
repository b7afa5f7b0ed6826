"""Micro-benchmark of rulebook.diff.diff_words against difflib, on rule-sized texts.

Run: python bench/bench_diff.py   (part of `make bench`; about 10 s of CPU)

Each case prints the median CPU time per call in microseconds, the ratio to the difflib
(autojunk=False) baseline measured in the same run, and the number of changed tokens in the
result (inserted plus deleted), so a fast but bloated diff shows up too. Every timed call
includes tokenising and building the ops, for difflib as well as for diff_words. The other
candidate matchers (patiencediff; rapidfuzz over the raw strings) run through the same
tokeniser, cleanup and ops as diff_words, so only the matching differs.
"""

from __future__ import annotations

import difflib
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import patiencediff
from rapidfuzz.distance import Indel

from rulebook.diff import Op, _cleanup, _segments, _to_ops, _words, diff_words, tokenize

FUNCTION_WORDS = (
    "the of a an and or to in on at by for with as that any such not be shall may".split()
)
VOCABULARY = (
    FUNCTION_WORDS
    + (
        "member members party Labour National Executive Committee must nominated nomination "
        "candidate leader deputy vacancy Conference CLP CLPs affiliated affiliates organisation "
        "Commons PLP MEPs combined per cent ballot trigger selection reselection procedure rules "
        "rule clause chapter section provided where subject following year meeting general "
        "secretary officer officers elected election eligible vote votes voting majority "
        "two-thirds one-third half threshold support supported nominations received within days"
    ).split()
)
# Words of another part of a rule book, for a clause replaced by an unrelated one.
OTHER_VOCABULARY = (
    FUNCTION_WORDS
    + (
        "finance accounts auditor treasurer income expenditure budget fees subscription rate "
        "payment arrears annual report trustees property assets liabilities bank signatories "
        "donation donations register declared policy forum commission document consultation "
        "submission draft programme manifesto women youth disabled black asian ethnic minority "
        "officers equality network training discipline complaint investigation panel hearing "
        "suspension appeal sanction code conduct"
    ).split()
)


def rule_text(words: int, seed: int, vocabulary: list[str] = VOCABULARY) -> str:
    """Pseudo rule text: sentences of 12-30 words, some clauses, numbered references."""
    rng = random.Random(seed)
    sentences: list[str] = []
    count = 0
    while count < words:
        length = min(rng.randint(12, 30), words - count)
        body = [rng.choice(vocabulary) for _ in range(length)]
        if length > 8 and rng.random() < 0.5:
            body[rng.randint(2, length - 3)] += ","
        if rng.random() < 0.3:
            body[rng.randint(0, length - 1)] = f"{rng.randint(1, 15)}.{rng.choice('ABC')}"
        sentences.append(" ".join(body).capitalize() + rng.choice(".;"))
        count += length
    return " ".join(sentences)


def edit(text: str, edits: int, seed: int) -> str:
    """Small amendments spread over the text: replace, insert or delete a few words."""
    rng = random.Random(seed)
    words = text.split(" ")
    for n in range(edits):
        at = rng.randrange(1, len(words) - 3)
        kind = n % 3
        if kind == 0:
            words[at] = f"{rng.randint(16, 99)}"
        elif kind == 1:
            words[at:at] = ["and", "the", "affiliates"]
        else:
            del words[at : at + 2]
    return " ".join(words)


def difflib_ops(a: str, b: str, *, autojunk: bool) -> list[Op]:
    ta, tb = tokenize(a), tokenize(b)
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=autojunk)
    segments = [
        ("".join(ta[i1:i2]), "", "")
        if tag == "equal"
        else ("", "".join(ta[i1:i2]), "".join(tb[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    return _to_ops(segments)


def matcher_ops(a: str, b: str, blocks_of) -> list[Op]:
    ta, tb = tokenize(a), tokenize(b)
    blocks = [tuple(block) for block in blocks_of(_words(ta), _words(tb)) if block[2]]
    return _to_ops(_cleanup(_segments(ta, tb, blocks)))


def patience_blocks(wa: list[str], wb: list[str]):
    return patiencediff.PatienceSequenceMatcher(None, wa, wb).get_matching_blocks()


def rapidfuzz_hash_blocks(wa: list[str], wb: list[str]):
    # Compares words by hash(): fastest, but "" and "\x00" collide (why diff_words maps ids).
    return [(m.a, m.b, m.size) for m in Indel.opcodes(wa, wb).as_matching_blocks()]


def changed_tokens(ops: list[Op]) -> int:
    return sum(1 for op in ops if op.kind != "equal" for t in tokenize(op.text) if not t.isspace())


def median_us(func: Callable[[], object], budget_s: float = 0.3) -> float:
    """Median CPU time per call: process time, so other busy processes skew it less."""
    func()
    times: list[float] = []
    deadline = time.process_time() + budget_s
    while len(times) < 5 or (time.process_time() < deadline and len(times) < 2000):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e6


def run_case(title: str, a: str, b: str) -> None:
    print(f"\n{title}  ({len(tokenize(a))} -> {len(tokenize(b))} tokens)")
    engines: dict[str, Callable[[], list[Op]]] = {
        "diff_words": lambda: diff_words(a, b),
        "difflib autojunk=False": lambda: difflib_ops(a, b, autojunk=False),
        "difflib autojunk=True": lambda: difflib_ops(a, b, autojunk=True),
        "patiencediff": lambda: matcher_ops(a, b, patience_blocks),
        "rapidfuzz by hash": lambda: matcher_ops(a, b, rapidfuzz_hash_blocks),
    }
    results = {
        name: (median_us(engine), changed_tokens(engine())) for name, engine in engines.items()
    }
    baseline_us, baseline_changed = results["difflib autojunk=False"]
    for name, (us, changed) in results.items():
        print(
            f"  {name:<24} {us:>10.0f} us  x{us / baseline_us:5.2f} vs difflib(False)"
            f"  changed tokens {changed:>5}  x{changed / max(baseline_changed, 1):4.2f}"
        )


def main() -> None:
    rule = rule_text(500, seed=1)
    run_case("500-word rule, 5 small edits", rule, edit(rule, 5, seed=2))
    run_case(
        "500-word rule vs an unrelated 500-word rule", rule, rule_text(500, 3, OTHER_VOCABULARY)
    )
    run_case("500-word rule vs another 500 words of the same vocabulary", rule, rule_text(500, 3))
    long_rule = rule_text(3000, seed=4)
    run_case("3,000-word rule, 40 small edits", long_rule, edit(long_rule, 40, seed=5))
    run_case("3,000-word rule, 300 small edits", long_rule, edit(long_rule, 300, seed=6))


if __name__ == "__main__":
    main()
