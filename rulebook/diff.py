"""Word-level diff of two rule texts: operations, inline HTML, side by side, unified text.

Pure Python over strings, no ORM. Diffs are computed per rule text, never over a whole book.
One module on purpose, although past 400 lines: tokeniser, matcher and renderers share the
token and segment conventions, and callers import only the public names at the top.

Matching: after trimming the common prefix and suffix, the words in between are aligned by
rapidfuzz's `Indel.opcodes`, a bit-parallel longest-common-subsequence (Hyyrö's algorithm in
C++), so the diff is a shortest insert/delete script over words. Chosen by measurement in
`make bench` (`bench/bench_diff.py`, ratios against difflib without autojunk in the same run):
on a 500-word rule with five small edits the whole call (tokenising, matching, ops) runs at
about 0.3-0.4 of difflib's time measured the same way, where the matching itself is a small
part (tokenising is most of it: the text both ends share is therefore kept whole, not
tokenised), and two unrelated 500-word texts went from slower than difflib to about a
hundredth. Its cost is O(N*M/64) word comparisons with no give-up point, so even two
unrelated texts of the maximum size finish in milliseconds. difflib is only used for the
line-level unified view.

Readability: tokens are aligned by their words, and a change of the whitespace after a word
shows as a change of that whitespace alone. An equal run squeezed between two replacements,
with no more words than their shorter sides, is folded into them (after the "semantic
cleanup" of N. Fraser's diff-match-patch), so a rewritten sentence reads as one deletion and
one insertion, not a comb of kept "the"s. Text shared by both ends of a replacement is moved
out of it at word edges, so "PLP." -> "PLP and MEPs." shows only " and MEPs" inserted.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from itertools import zip_longest

from rapidfuzz.distance import Indel

MAX_DIFF_CHARS = 200_000

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
KINDS = frozenset({EQUAL, INSERT, DELETE})

# A token is a word with the whitespace after it. Words keep internal joiners, so "4.II.2.B.i",
# "1,000", "co-operate" and "member's" stay whole; any other punctuation mark is a token of its
# own. That way "15 per cent" -> "10 per cent" changes only "15", "15%" -> "10%" only the
# number, and "threshold." -> "threshold;" only the mark. Leading whitespace is its own token.
# Word characters include combining accents, so decomposed "e\u0301" stays one word. The
# possessive quantifiers only save backtracking (measured: 15% faster tokenising).
_W = r"[\w\u0300-\u036f]"
_TOKEN = re.compile(rf"\s++|{_W}++(?:[.,:'\u2019/-]{_W}++)*+\s*+|[^\w\s]\s*+")
_WORD_CHAR = re.compile(_W)
# Units of the unified diff: lines, further cut after sentence or clause punctuation.
_UNIT_END = re.compile(r"(?<=[.!?;:])\s+|\n")


class DiffInputTooLarge(ValueError):
    """A text is longer than MAX_DIFF_CHARS, beyond what a rule text should ever be."""

    def __init__(self, length: int, limit: int = MAX_DIFF_CHARS) -> None:
        super().__init__(f"text is {length:,} characters; diffs are limited to {limit:,}")
        self.length = length
        self.limit = limit

    def __reduce__(self):  # pickles (e.g. through a task queue) with its real arguments
        return type(self), (self.length, self.limit)


@dataclass(frozen=True, slots=True)
class Op:
    kind: str  # "equal" | "insert" | "delete"
    text: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown diff op {self.kind!r}; expected one of {sorted(KINDS)}")
        if not isinstance(self.text, str):
            raise ValueError(f"diff op text must be a string, not {type(self.text).__name__}")

    def as_dict(self) -> dict[str, str]:
        return {"op": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a side-by-side view; a number is None where that side has no line."""

    kind: str  # "equal" | "change"
    left_html: str
    right_html: str
    left_number: int | None = None
    right_number: int | None = None


@dataclass(frozen=True)
class DiffStats:
    words_added: int
    words_removed: int
    words_unchanged: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_words(a: str, b: str) -> list[Op]:
    """The word diff from A to B: a replacement is a delete followed by an insert."""
    _check_size(a, b)
    if a == b:
        return [Op(EQUAL, a)] if a else []
    # Text shared by both ends is not tokenised word by word but kept as one token each
    # (cut where a token ends, so the tokens in between are exactly tokenize's): it would
    # be matched whole anyway, and most amendments change a few words of a long rule.
    head, tail = _shared_ends(a, b)
    ta = _edges(a[:head], tokenize(a[head : len(a) - tail]), a[len(a) - tail :])
    tb = _edges(b[:head], tokenize(b[head : len(b) - tail]), b[len(b) - tail :])
    # Tokens are aligned by their words; _segments then shows changed whitespace as a change.
    blocks = _matching_blocks(_words(ta), _words(tb))
    return _to_ops(_cleanup(_segments(ta, tb, blocks)))


def apply_ops(a: str, ops: Iterable[Op]) -> str:
    out: list[str] = []
    pos = 0
    for op in ops:
        if op.kind == INSERT:
            out.append(op.text)
            continue
        if not a.startswith(op.text, pos):
            raise ValueError(f"{op.kind} op at character {pos} does not match the text")
        if op.kind == EQUAL:
            out.append(op.text)
        pos += len(op.text)
    if pos != len(a):
        raise ValueError(f"ops cover {pos:,} of the text's {len(a):,} characters")
    return "".join(out)


def render_inline_html(ops: Iterable[Op]) -> str:
    return "".join(_html(op.text, op.kind) for op in ops)


def side_by_side(ops: Sequence[Op]) -> list[Row]:
    """Rows of A (left, with <del>) against B (right, with <ins>), one per line.

    Lines that share an unchanged passage are put on one row; the lines between two such rows
    are paired in order, and the longer side gets rows with an empty other side.
    """
    left, right = _Lines(), _Lines()
    shared: list[tuple[int, int]] = []
    for op in ops:
        sides = {EQUAL: (left, right), DELETE: (left,), INSERT: (right,)}[op.kind]
        for index, piece in enumerate(op.text.split("\n")):
            for side in sides:
                side.add(piece, op.kind, new_line=index > 0)
            if op.kind == EQUAL and piece.strip():
                shared.append((len(left.lines) - 1, len(right.lines) - 1))
    rows: list[Row] = []
    last_l = last_r = -1
    for li, ri in [*_monotonic(shared), (len(left.lines), len(right.lines))]:
        for lj, rj in zip_longest(range(last_l + 1, li), range(last_r + 1, ri)):
            rows.append(_row(left, lj, right, rj))
        if li < len(left.lines):
            rows.append(_row(left, li, right, ri))
        last_l, last_r = li, ri
    return rows


def unified(a: str, b: str, *, from_label: str = "a", to_label: str = "b", context: int = 3) -> str:
    """A `diff -u` style diff in which each line is a sentence or clause.

    Rule texts are often one long paragraph, so whole lines would make a one-word change show
    the whole rule twice. Lines are therefore cut after ". ", "; ", ": ", "? " and "! " too,
    unless fewer than three words precede the mark (a label like "B." or "4.II."): each unit
    is short enough to spot the change, and stable under edits elsewhere, which fixed-width
    wrapping is not. Trailing whitespace of a unit is not shown or compared.
    """
    _check_size(a, b)
    lines = difflib.unified_diff(
        _units(a), _units(b), fromfile=from_label, tofile=to_label, n=context, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""


def diff_stats(ops: Iterable[Op]) -> DiffStats:
    """Words added, removed and kept; a word has a letter or digit, so marks do not count."""
    counts = dict.fromkeys(KINDS, 0)
    for op in ops:
        counts[op.kind] += sum(1 for token in tokenize(op.text) if _WORD_CHAR.search(token))
    return DiffStats(counts[INSERT], counts[DELETE], counts[EQUAL])


@dataclass(frozen=True)
class TextDiff:
    a: str
    b: str
    ops: tuple[Op, ...]
    from_label: str = "a"
    to_label: str = "b"

    @cached_property
    def html(self) -> str:
        return render_inline_html(self.ops)

    @cached_property
    def rows(self) -> list[Row]:
        return side_by_side(self.ops)

    @cached_property
    def stats(self) -> DiffStats:
        return diff_stats(self.ops)

    @cached_property
    def unified(self) -> str:
        return unified(self.a, self.b, from_label=self.from_label, to_label=self.to_label)

    @property
    def changed(self) -> bool:
        return any(op.kind != EQUAL for op in self.ops)

    def as_dict(self) -> dict[str, object]:
        return {
            "ops": [op.as_dict() for op in self.ops],
            "html": self.html,
            "stats": self.stats.as_dict(),
            "unified": self.unified,
        }


# Texts up to this size (both sides together) are memoised; a rule is a few thousand
# characters, so 2,048 entries stay within a few tens of megabytes even at the cap, while
# rare oversized inputs (up to MAX_DIFF_CHARS each) are diffed afresh and never held.
_MEMO_CHARS = 20_000


def compare(a: str, b: str, *, from_label: str = "a", to_label: str = "b") -> TextDiff:
    """The diff of two texts, memoised per process for rule-sized texts.

    Versions never change, so the same pair is diffed again and again (the changes page, feeds,
    the API); a TextDiff is immutable and its renderings are cached on it, so sharing one is
    safe.
    """
    if len(a) + len(b) <= _MEMO_CHARS:
        return _compare_memo(a, b, from_label, to_label)
    return _compare(a, b, from_label, to_label)


def _compare(a: str, b: str, from_label: str, to_label: str) -> TextDiff:
    return TextDiff(a, b, tuple(diff_words(a, b)), from_label, to_label)


_compare_memo = lru_cache(maxsize=2048)(_compare)


# --- matching ------------------------------------------------------------------------------

Block = tuple[int, int, int]  # (index in A, index in B, length) of a run of equal tokens


def _check_size(*texts: str) -> None:
    for text in texts:
        if len(text) > MAX_DIFF_CHARS:
            raise DiffInputTooLarge(len(text))


def _shared_ends(a: str, b: str) -> tuple[int, int]:
    """The lengths of the longest common prefix and suffix of A and B that end, or start,
    where a token does in both texts: just after a whitespace run and before a non-space
    character. No token spans such a point (a token is whitespace, or a word or mark with
    the whitespace after it), so the text either side of it tokenises on its own exactly as
    within the whole."""
    head = _common_length(a, b)
    while head and not (_starts_token(a, head) and _starts_token(b, head)):
        head -= 1
    tail = min(_common_length(a[::-1], b[::-1]), min(len(a), len(b)) - head)
    while tail and not (_starts_token(a, len(a) - tail) and _starts_token(b, len(b) - tail)):
        tail -= 1
    return head, tail


def _common_length(x: str, y: str) -> int:
    """The length of the common prefix, found with slice comparisons (C speed)."""
    lo, hi = 0, min(len(x), len(y))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[:mid] == y[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _starts_token(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isspace() and not text[at].isspace()


def _edges(head: str, middle: list[str], tail: str) -> list[str]:
    return (
        [head, *middle, tail]
        if head and tail
        else [head, *middle]
        if head
        else ([*middle, tail] if tail else middle)
    )


def _words(tokens: list[str]) -> list[str]:
    # Interning them too (sys.intern) made comparisons no faster than it cost: measured.
    return list(map(str.rstrip, tokens))


def _matching_blocks(a: list[str], b: list[str]) -> list[Block]:
    """Matching blocks of a shortest insert/delete script from word list A to word list B.

    The common prefix and suffix are matched first (most amendments touch a few words, so
    that is most of the work), then rapidfuzz's bit-parallel LCS (`Indel.opcodes`, C++) aligns
    what is left between them.
    """
    blocks: list[Block] = []
    alo, ahi, blo, bhi = _trim(a, b, 0, len(a), 0, len(b), blocks)
    if alo < ahi and blo < bhi:
        # Words become small integers first: rapidfuzz compares other items by hash(), and
        # hashes can collide ("" and "\x00" both count as 0), which would match unequal words.
        # dict.fromkeys and map run in C: a Python loop over the words cost more than the match.
        middle_a, middle_b = a[alo:ahi], b[blo:bhi]
        ids = {word: i for i, word in enumerate(dict.fromkeys(middle_a + middle_b))}
        wa = list(map(ids.__getitem__, middle_a))
        wb = list(map(ids.__getitem__, middle_b))
        middle = Indel.opcodes(wa, wb).as_matching_blocks()
        blocks.extend((alo + m.a, blo + m.b, m.size) for m in middle if m.size)
    blocks.sort()
    return blocks


def _trim(a, b, alo, ahi, blo, bhi, blocks: list[Block]) -> tuple[int, int, int, int]:
    """Record the common prefix and suffix of the ranges; return what is left between them."""
    start = alo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo += 1
        blo += 1
    if alo > start:
        blocks.append((start, blo - (alo - start), alo - start))
    end = ahi
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
    if ahi < end:
        blocks.append((ahi, bhi, end - ahi))
    return alo, ahi, blo, bhi


# --- ops -----------------------------------------------------------------------------------


def _segments(ta: list[str], tb: list[str], blocks: list[Block]) -> list[tuple[str, str, str]]:
    """Alternating runs as (equal, deleted, inserted) triples: equal, or the other two, empty.

    Matched tokens share their word but may differ in the whitespace after it: the word is
    then equal and the whitespace a change of its own.
    """
    runs: list[tuple[list[str], list[str], list[str]]] = []  # pieces, joined once at the end
    i = j = 0
    for bi, bj, size in [*blocks, (len(ta), len(tb), 0)]:
        _add(runs, [], ta[i:bi], tb[j:bj])
        same_a, same_b = ta[bi : bi + size], tb[bj : bj + size]
        if same_a == same_b:
            _add(runs, same_a, [], [])
        else:
            for x, y in zip(same_a, same_b, strict=True):
                word = x if x == y else x.rstrip()
                _add(runs, [word], [x[len(word) :]], [y[len(word) :]])
        i, j = bi + size, bj + size
    return [
        ("".join(equal), "".join(deleted), "".join(inserted)) for equal, deleted, inserted in runs
    ]


def _add(runs: list, equal: list[str], deleted: list[str], inserted: list[str]) -> None:
    if "".join(equal):
        if runs and runs[-1][0]:
            runs[-1][0].extend(equal)
        else:
            runs.append((list(equal), [], []))
    if "".join(deleted) or "".join(inserted):
        if runs and not runs[-1][0]:
            runs[-1][1].extend(deleted)
            runs[-1][2].extend(inserted)
        else:
            runs.append(([], list(deleted), list(inserted)))


def _cleanup(segments: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold an equal run into the changes on both sides of it when it is slight next to them.

    diff-match-patch folds an equality no longer than the longer side of each change; at word
    level that swallows a kept word between a deletion and an insertion. Counting words
    against the shorter side keeps pure insertions and deletions apart, and still dissolves
    the stray "the" and "shall" of a rewritten passage.
    """
    out: list[list] = []  # [equal, deleted pieces, inserted pieces, their word counts x3]
    for equal, deleted, inserted in segments:
        item = [
            equal,
            [deleted],
            [inserted],
            *(len(text.split()) for text in (equal, deleted, inserted)),
        ]
        while not equal and len(out) >= 2 and out[-1][0] and not out[-2][0]:
            kept, before = out[-1], out[-2]
            if kept[3] > min(before[4], before[5], item[4], item[5]):
                break
            del out[-2:]
            before[1] += [kept[0], *item[1]]
            before[2] += [kept[0], *item[2]]
            before[4] += kept[3] + item[4]
            before[5] += kept[3] + item[5]
            item = before
        out.append(item)
    return [(item[0], "".join(item[1]), "".join(item[2])) for item in out]


def _to_ops(segments: list[tuple[str, str, str]]) -> list[Op]:
    pieces: list[tuple[str, str]] = []
    for equal, deleted, inserted in segments:
        head, deleted, inserted, tail = _shared_edges(deleted, inserted)
        pieces += [(EQUAL, equal), (EQUAL, head), (DELETE, deleted), (INSERT, inserted)]
        pieces.append((EQUAL, tail))
    ops: list[Op] = []
    for kind, text in pieces:
        if text and ops and ops[-1].kind == kind:
            ops[-1] = Op(kind, ops[-1].text + text)
        elif text:
            ops.append(Op(kind, text))
    return ops


def _shared_edges(deleted: str, inserted: str) -> tuple[str, str, str, str]:
    """Move text shared by the start or end of a replacement out of it, at word edges.

    Tokens keep their whitespace, so "PLP." -> "PLP and MEPs." replaces the token "PLP" with
    "PLP " + "and " + "MEPs"; showing it as "PLP" + inserted " and MEPs" reads far better.
    A cut never falls inside a word, so "15" -> "5" stays a replacement of the whole number.
    """
    if not deleted or not inserted:
        return "", deleted, inserted, ""
    head = _common_prefix(deleted, inserted)
    while head and not (_word_edge(deleted, head) and _word_edge(inserted, head)):
        head -= 1
    rest_d, rest_i = deleted[head:], inserted[head:]
    tail = _common_prefix(rest_d[::-1], rest_i[::-1])
    while tail and not (
        _word_edge(rest_d, len(rest_d) - tail) and _word_edge(rest_i, len(rest_i) - tail)
    ):
        tail -= 1
    cut_d, cut_i = len(rest_d) - tail, len(rest_i) - tail
    return deleted[:head], rest_d[:cut_d], rest_i[:cut_i], rest_d[cut_d:]


def _common_prefix(x: str, y: str) -> int:
    for at, (p, q) in enumerate(zip(x, y, strict=False)):
        if p != q:
            return at
    return min(len(x), len(y))


def _word_edge(text: str, at: int) -> bool:
    return at in (0, len(text)) or not (
        _WORD_CHAR.match(text, at - 1) and _WORD_CHAR.match(text, at)
    )


# --- rendering -----------------------------------------------------------------------------

_TAGS = {INSERT: "ins", DELETE: "del"}


def _html(text: str, kind: str) -> str:
    escaped = html.escape(text, quote=True)
    if kind == EQUAL or not text:
        return escaped
    return f"<{_TAGS[kind]}>{escaped}</{_TAGS[kind]}>"


class _Lines:
    """One side of a side-by-side view being built: HTML pieces per line, and which changed."""

    def __init__(self) -> None:
        self.lines: list[list[str]] = [[]]
        self.changed: list[bool] = [False]

    def add(self, piece: str, kind: str, *, new_line: bool) -> None:
        if new_line:
            self.changed[-1] = self.changed[-1] or kind != EQUAL
            self.lines.append([])
            self.changed.append(False)
        if piece:
            self.lines[-1].append(_html(piece, kind))
            self.changed[-1] = self.changed[-1] or kind != EQUAL


def _monotonic(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for li, ri in pairs:
        if not kept or (li > kept[-1][0] and ri > kept[-1][1]):
            kept.append((li, ri))
    return kept


def _row(left: _Lines, li: int | None, right: _Lines, ri: int | None) -> Row:
    left_html = "".join(left.lines[li]) if li is not None else ""
    right_html = "".join(right.lines[ri]) if ri is not None else ""
    same = (
        li is not None
        and ri is not None
        and not left.changed[li]
        and not right.changed[ri]
        and left_html == right_html
    )
    return Row(
        EQUAL if same else "change",
        left_html,
        right_html,
        None if li is None else li + 1,
        None if ri is None else ri + 1,
    )


def _units(text: str) -> list[str]:
    units: list[str] = []
    start = 0
    for match in _UNIT_END.finditer(text):
        # A clause label such as "B." or "i." opens its sentence rather than being one.
        if "\n" not in match.group() and len(text[start : match.start()].split()) < 3:
            continue
        units.append(text[start : match.end()].rstrip())
        start = match.end()
    if start < len(text):
        units.append(text[start:].rstrip())
    return units
