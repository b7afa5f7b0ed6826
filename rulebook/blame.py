"""Blame: which version of a rule introduced each passage of its text.

Pure Python over strings, no ORM: the caller passes the texts of one rule's versions, oldest
first, and maps each passage's `origin` (an index into that list) back to its version, and so
to the proposal and votes that produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rulebook.diff import DELETE, EQUAL, Op, diff_words


@dataclass(frozen=True)
class Passage:
    text: str
    origin: int  # index into the texts passed to blame(): the version that introduced it

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def blame(texts: Sequence[str]) -> list[Passage]:
    """The last text as passages, each attributed to the version that introduced it.

    Steps: the first text is all version 0; for each later version, diff it word by word
    against the one before, let unchanged passages keep their origin, drop deleted ones, and
    attribute inserted ones to the new version. A passage that is repealed (an empty text) and
    later restored counts as introduced by the restoring version.
    """
    if not texts:
        return []
    passages = [Passage(texts[0], 0)] if texts[0] else []
    for origin in range(1, len(texts)):
        if texts[origin] != texts[origin - 1]:
            passages = _carry(passages, diff_words(texts[origin - 1], texts[origin]), origin)
    return passages


def _carry(passages: list[Passage], ops: list[Op], origin: int) -> list[Passage]:
    """Passages of the new text, from the previous text's passages and the diff between them."""
    out: list[Passage] = []
    old = iter(passages)
    current = Passage("", 0)
    at = 0  # how much of `current` the ops have consumed
    for op in ops:
        if op.kind not in (EQUAL, DELETE):
            _append(out, op.text, origin)
            continue
        need = len(op.text)
        while need:
            if at == len(current.text):
                current, at = next(old), 0
            take = min(need, len(current.text) - at)
            if op.kind == EQUAL:
                _append(out, current.text[at : at + take], current.origin)
            at, need = at + take, need - take
    return out


def _append(out: list[Passage], text: str, origin: int) -> None:
    if out and out[-1].origin == origin:
        out[-1] = Passage(out[-1].text + text, origin)
    else:
        out.append(Passage(text, origin))
