"""Word-level three-way merge, to rebase an amendment onto the rule's current version.

Pure Python over strings, no ORM. diff3 in spirit: each side's changes to the base are found
with the word diff; changes that touch separate parts of the base both apply, identical
changes apply once, and changes that overlap and differ become a Conflict, which is never
resolved silently.

Where two changes meet, the ranges of base text they replace decide:
- Changes to adjacent words both apply: "15 per cent" -> "10 per cent" on one side and
  "per cent" -> "%" on the other give "10 %".
- An insertion sits between two base words, so it collides only with a change that spans
  that point, or with a different insertion at the same point. An insertion just before or
  after the other side's change applies in that order.
Such neighbouring merges read well almost always but are not proof-read by anything here, so
a rebased text should be shown to a person as a diff before it is adopted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rulebook.diff import EQUAL, INSERT, diff_words

CURRENT, PROPOSED = "current", "proposed"


@dataclass(frozen=True)
class Conflict:
    base: str
    current: str
    proposed: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class MergeResult:
    chunks: tuple[str | Conflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def conflicts(self) -> list[Conflict]:
        return [chunk for chunk in self.chunks if isinstance(chunk, Conflict)]

    @property
    def text(self) -> str:
        if not self.clean:
            raise ValueError(f"the merge has {len(self.conflicts)} conflict(s); resolve them first")
        return "".join(chunk for chunk in self.chunks if isinstance(chunk, str))

    def render_with_markers(self) -> str:
        """The merged text with git-style conflict markers, each on a line of its own."""
        out: list[str] = []
        for chunk in self.chunks:
            if isinstance(chunk, str):
                out.append(chunk)
                continue
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            out.append(f"<<<<<<< {CURRENT}\n")
            out.append(_line(chunk.current))
            out.append("=======\n")
            out.append(_line(chunk.proposed))
            out.append(f">>>>>>> {PROPOSED}\n")
        return "".join(out)

    def as_dict(self) -> dict[str, object]:
        return {
            "clean": self.clean,
            "text": self.text if self.clean else None,
            "with_markers": self.render_with_markers(),
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
        }


@dataclass(frozen=True)
class _Hunk:
    start: int  # base[start:end] is replaced by text
    end: int
    text: str
    side: str


def merge3(base: str, current: str, proposed: str) -> MergeResult:
    """Apply both sides' changes to base, or report where they collide.

    Steps: diff base against each side into hunks (a base range and its replacement); sort
    them by position; gather hunks that collide into clusters; outside clusters keep base;
    in a cluster, take the side that changed it, or the common result if both made the same
    change, else record a Conflict of the three versions of that stretch of text.
    """
    if current == proposed or proposed == base:
        return _merged(current)
    if current == base:
        return _merged(proposed)
    hunks = sorted(
        _hunks(base, current, CURRENT) + _hunks(base, proposed, PROPOSED),
        key=lambda hunk: (hunk.start, hunk.end),
    )
    chunks: list[str | Conflict] = []
    position = 0
    for cluster in _clusters(hunks):
        start, end = cluster[0].start, max(hunk.end for hunk in cluster)
        chunks.append(base[position:start])
        mine = _apply(base, start, end, [h for h in cluster if h.side == CURRENT])
        theirs = _apply(base, start, end, [h for h in cluster if h.side == PROPOSED])
        if mine is None or theirs is None or mine == theirs:
            chunks.append(theirs if mine is None else mine)
        else:
            chunks.append(Conflict(base[start:end], mine, theirs))
        position = end
    chunks.append(base[position:])
    return MergeResult(_joined(chunks))


def _merged(text: str) -> MergeResult:
    return MergeResult((text,) if text else ())


def _hunks(base: str, other: str, side: str) -> list[_Hunk]:
    hunks: list[_Hunk] = []
    position = 0
    for op in diff_words(base, other):
        if op.kind == EQUAL:
            position += len(op.text)
            continue
        if hunks and hunks[-1].end == position:  # an insert right after its delete
            last = hunks.pop()
            start, text = last.start, last.text
        else:
            start, text = position, ""
        if op.kind == INSERT:
            hunks.append(_Hunk(start, position, text + op.text, side))
        else:
            position += len(op.text)
            hunks.append(_Hunk(start, position, text, side))
    return hunks


def _clusters(hunks: list[_Hunk]) -> list[list[_Hunk]]:
    """Group hunks, sorted by (start, end), into runs that collide with the other side's.

    Because of the sort, a hunk collides with an earlier one of the other side if it starts
    before that one ends (an insertion at the very start of a change sorts first, and is not
    a collision), or if both are insertions at one point. So the furthest end and the last
    insertion point of each side in the open cluster are all that is needed.
    """
    clusters: list[list[_Hunk]] = []
    reach: dict[str, tuple[int, int]] = {}  # side -> (furthest end, last insertion point)
    for hunk in hunks:
        other = PROPOSED if hunk.side == CURRENT else CURRENT
        end, insertion = reach.get(other, (-1, -1))
        inserting = hunk.start == hunk.end
        if hunk.start < end or (inserting and hunk.start == insertion):
            clusters[-1].append(hunk)
        else:
            clusters.append([hunk])
            reach = {}
        end, insertion = reach.get(hunk.side, (-1, -1))
        reach[hunk.side] = (max(end, hunk.end), hunk.start if inserting else insertion)
    return clusters


def _apply(base: str, start: int, end: int, hunks: list[_Hunk]) -> str | None:
    """base[start:end] with one side's hunks applied, or None if that side changed nothing."""
    if not hunks:
        return None
    out: list[str] = []
    position = start
    for hunk in hunks:
        out += [base[position : hunk.start], hunk.text]
        position = hunk.end
    out.append(base[position:end])
    return "".join(out)


def _joined(chunks: list[str | Conflict]) -> tuple[str | Conflict, ...]:
    out: list[str | Conflict] = []
    for chunk in chunks:
        if isinstance(chunk, str) and out and isinstance(out[-1], str):
            out[-1] += chunk
        elif chunk:
            out.append(chunk)
    return tuple(out)


def _line(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"
