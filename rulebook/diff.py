"""Word-level diff of two rule texts: operations, inline HTML, side by side, unified text.

Pure Python over strings, no ORM. Diffs are computed per rule text, never over a whole book.

Algorithm, chosen by measurement (`python bench/bench_diff.py`, CPython 3.11, one core of the
development machine; median per call, tokenising and building the ops included):

    500-word rule, 5 small edits     Myers 172 us   difflib autojunk=False 818 us (4.8x slower)
                                                    difflib autojunk=True  638 us (3.7x slower)
    changed tokens in the result     Myers 14       difflib (either)       14
    500 words vs unrelated 500       Myers 5.5 ms   difflib autojunk=False 21 ms
    3,000-word rule, 40 edits        Myers 1.4 ms   difflib autojunk=False 26 ms

So: Myers' O(ND) greedy algorithm (E. Myers, "An O(ND) Difference Algorithm and Its
Variations", Algorithmica 1986) on interned tokens after trimming the common prefix and
suffix. Its cost grows with D squared, so it gives up past `_MYERS_COST`; the rest is split at
tokens that occur exactly once on each side (patience diff, as in `git diff --patience`) and
the gaps between those anchors get Myers again under a shared budget; a gap that still does
not fit is shown as replaced. Finally, short equal runs squeezed between larger changes are
folded into the change ("semantic cleanup", after Neil Fraser's diff-match-patch), so two
unrelated sentences read as one deletion and one insertion rather than a comb of "the".
"""

from __future__ import annotations

import difflib
import html
import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import zip_longest

MAX_DIFF_CHARS = 200_000

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
KINDS = frozenset({EQUAL, INSERT, DELETE})

# Myers gives up after this many (d, k) steps: about D = 200, ~8 ms on the development machine.
_MYERS_COST = 20_000
# Steps shared by all the gaps between patience anchors once Myers has given up.
_GAP_COST = 20_000

# A token is a word with the whitespace after it. Words keep internal joiners, so "4.II.2.B.i",
# "1,000", "co-operate" and "member's" stay whole; any other punctuation mark is a token of its
# own. That way "15 per cent" -> "10 per cent" changes only "15", "15%" -> "10%" only the
# number, and "threshold." -> "threshold;" only the mark. Leading whitespace is its own token.
_TOKEN = re.compile(r"\s+|[\w\u0300-\u036f]+(?:[.,:'’/-][\w\u0300-\u036f]+)*\s*|[^\w\s]\s*")
_WORD_CHAR = re.compile(r"[\w\u0300-\u036f]")
# Units of the unified diff: lines, further cut after sentence or clause punctuation.
_UNIT_END = re.compile(r"(?<=[.!?;:])\s+|\n")


class DiffInputTooLarge(ValueError):
    """A text is longer than MAX_DIFF_CHARS, beyond what a rule text should ever be."""

    def __init__(self, length: int, limit: int = MAX_DIFF_CHARS) -> None:
        super().__init__(f"text is {length:,} characters; diffs are limited to {limit:,}")
        self.length = length
        self.limit = limit


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
        return {
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "words_unchanged": self.words_unchanged,
        }


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_words(a: str, b: str) -> list[Op]:
    """The word diff from A to B: a replacement is a delete followed by an insert."""
    _check_size(a, b)
    ta, tb = tokenize(a), tokenize(b)
    return _to_ops(_cleanup(_segments(ta, tb, _matching_blocks(ta, tb))))


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


def ops_from_dicts(items: Iterable[Mapping[str, str]]) -> list[Op]:
    try:
        return [Op(item["op"], item["text"]) for item in items]
    except (KeyError, TypeError) as exc:
        raise ValueError('each op must be an object with "op" and "text"') from exc


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
    the whole rule twice. Lines are therefore cut after ". ", "; ", ": ", "? " and "! " too:
    each unit is short enough to spot the change, and stable under edits elsewhere, which
    fixed-width wrapping is not. Trailing whitespace of a unit is not shown or compared.
    """
    _check_size(a, b)
    lines = difflib.unified_diff(
        _units(a), _units(b), fromfile=from_label, tofile=to_label, n=context, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""


def diff_stats(ops: Iterable[Op]) -> DiffStats:
    counts = dict.fromkeys(KINDS, 0)
    for op in ops:
        counts[op.kind] += sum(1 for token in tokenize(op.text) if not token.isspace())
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


def compare(a: str, b: str, *, from_label: str = "a", to_label: str = "b") -> TextDiff:
    return TextDiff(a, b, tuple(diff_words(a, b)), from_label, to_label)


# --- matching ------------------------------------------------------------------------------

Block = tuple[int, int, int]  # (index in A, index in B, length) of a run of equal tokens


def _check_size(*texts: str) -> None:
    for text in texts:
        if len(text) > MAX_DIFF_CHARS:
            raise DiffInputTooLarge(len(text))


def _matching_blocks(ta: list[str], tb: list[str]) -> list[Block]:
    ids: dict[str, int] = {}
    a = [ids.setdefault(token, len(ids)) for token in ta]
    b = [ids.setdefault(token, len(ids)) for token in tb]
    blocks: list[Block] = []
    alo, ahi, blo, bhi = _trim(a, b, 0, len(a), 0, len(b), blocks)
    if alo < ahi and blo < bhi:
        found, _ = _myers(a, b, alo, ahi, blo, bhi, _MYERS_COST)
        if found is None:
            _patience(a, b, alo, ahi, blo, bhi, blocks)
        else:
            blocks.extend(found)
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


def _myers(a, b, alo, ahi, blo, bhi, max_cost: int) -> tuple[list[Block] | None, int]:
    """Matching blocks of a shortest edit script, or None if it costs more than max_cost."""
    a, b = a[alo:ahi], b[blo:bhi]
    n, m = len(a), len(b)
    max_d = min(n + m, int((2 * max_cost) ** 0.5) + 1)
    off = max_d + 1
    v = [0] * (2 * max_d + 3)
    trace: list[list[int]] = []
    cost = 0
    for d in range(max_d + 1):
        cost += d + 1
        if cost > max_cost:
            break
        trace.append(v[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[off + k - 1] < v[off + k + 1]):
                x = v[off + k + 1]
            else:
                x = v[off + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            v[off + k] = x
            if x >= n and y >= m:
                return _backtrack(trace, off, n, m, alo, blo), cost
    return None, cost


def _backtrack(trace: list[list[int]], off: int, x: int, y: int, alo: int, blo: int) -> list[Block]:
    blocks: list[Block] = []
    for d in range(len(trace) - 1, 0, -1):
        v = trace[d]
        k = x - y
        down = k == -d or (k != d and v[off + k - 1] < v[off + k + 1])
        prev_k = k + 1 if down else k - 1
        prev_x = v[off + prev_k]
        mid_x = prev_x if down else prev_x + 1
        if x > mid_x:
            blocks.append((alo + mid_x, blo + mid_x - k, x - mid_x))
        x, y = prev_x, prev_x - prev_k
    if x > 0:
        blocks.append((alo, blo, x))
    return blocks


def _patience(a, b, alo, ahi, blo, bhi, blocks: list[Block]) -> None:
    """Anchor on tokens unique to both ranges, then diff the gaps between anchors."""
    budget = _GAP_COST
    work = [(alo, ahi, blo, bhi)]
    while work:
        alo, ahi, blo, bhi = _trim(a, b, *work.pop(), blocks)
        if alo == ahi or blo == bhi:
            continue
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
        if anchors:
            blocks.extend((i, j, 1) for i, j in anchors)
            starts = [(alo, blo)] + [(i + 1, j + 1) for i, j in anchors]
            ends = [*anchors, (ahi, bhi)]
            work.extend((i0, i1, j0, j1) for (i0, j0), (i1, j1) in zip(starts, ends, strict=True))
        elif budget > 0:
            found, cost = _myers(a, b, alo, ahi, blo, bhi, budget)
            budget -= cost
            blocks.extend(found or ())


def _unique_anchors(a, b, alo, ahi, blo, bhi) -> list[tuple[int, int]]:
    """The longest run, in order on both sides, of tokens occurring once in each range."""
    where_a: dict[int, int] = {}
    for i in range(alo, ahi):
        where_a[a[i]] = -1 if a[i] in where_a else i
    where_b: dict[int, int] = {}
    for j in range(blo, bhi):
        where_b[b[j]] = -1 if b[j] in where_b else j
    pairs = [(i, where_b.get(t, -1)) for t, i in where_a.items() if i >= 0]
    pairs = sorted((i, j) for i, j in pairs if j >= 0)
    # Longest increasing subsequence of j, by patience sorting.
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        pile = bisect_left(tails, j)
        back.append(tail_at[pile - 1] if pile else -1)
        if pile == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[pile] = j
            tail_at[pile] = index
    chain: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


# --- ops -----------------------------------------------------------------------------------

def _segments(ta: list[str], tb: list[str], blocks: list[Block]) -> list[tuple[str, str, str]]:
    """Alternating runs as (equal, deleted, inserted) triples, one side filled in."""
    segments: list[tuple[str, str, str]] = []
    i = j = 0
    for bi, bj, size in [*blocks, (len(ta), len(tb), 0)]:
        if bi > i or bj > j:
            segments.append(("", "".join(ta[i:bi]), "".join(tb[j:bj])))
        if size:
            text = "".join(ta[bi : bi + size])
            if segments and segments[-1][0]:
                text = segments.pop()[0] + text
            segments.append((text, "", ""))
        i, j = bi + size, bj + size
    return segments


def _cleanup(segments: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold an equal run into the changes around it when it is no longer than either of them."""
    out: list[tuple[str, str, str]] = []
    for segment in segments:
        if not segment[0]:
            _, deleted, inserted = segment
            while len(out) >= 2 and out[-1][0] and not out[-2][0]:
                if not _is_slight(out[-1][0], out[-2], segment):
                    break
                equal = out.pop()[0]
                _, del_before, ins_before = out.pop()
                deleted = del_before + equal + deleted
                inserted = ins_before + equal + inserted
                segment = ("", deleted, inserted)
        out.append(segment)
    return out


def _is_slight(equal: str, before: tuple[str, str, str], after: tuple[str, str, str]) -> bool:
    return len(equal) <= max(len(before[1]), len(before[2])) and len(equal) <= max(
        len(after[1]), len(after[2])
    )


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
    head = len(os.path.commonprefix([deleted, inserted]))
    while head and not (_word_edge(deleted, head) and _word_edge(inserted, head)):
        head -= 1
    rest_d, rest_i = deleted[head:], inserted[head:]
    tail = len(os.path.commonprefix([rest_d[::-1], rest_i[::-1]]))
    while tail and not (
        _word_edge(rest_d, len(rest_d) - tail) and _word_edge(rest_i, len(rest_i) - tail)
    ):
        tail -= 1
    cut_d, cut_i = len(rest_d) - tail, len(rest_i) - tail
    return deleted[:head], rest_d[:cut_d], rest_i[:cut_i], rest_d[cut_d:]


def _word_edge(text: str, at: int) -> bool:
    return at in (0, len(text)) or not (_WORD_CHAR.match(text, at - 1) and _WORD_CHAR.match(text, at))


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
        units.append(text[start : match.end()].rstrip())
        start = match.end()
    if start < len(text):
        units.append(text[start:].rstrip())
    return units
