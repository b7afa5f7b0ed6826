"""How diffs read: phrases instead of combs, and plain-text unified diffs of several rules.

Pure functions over `rulebook.diff`'s operations and texts, no ORM.

Phrases. Looking at the demo's real rewrites (the 2018 trigger-ballot change of 5.IV.5 reads,
word by word, "~~A full~~ An open selection shall be held ~~only~~ if ~~a majority~~ one
third of the branches …"), a word or two kept between two changes breaks a rewritten phrase
into fragments that a reader has to put back together. `phrases` folds such short kept runs
into the changes around them, so that reads "~~only if a majority~~ if one third". Longer kept
runs — "selection shall be held", "of the branches" — stay as they are, as do kept runs with a
line break, so paragraphs are never glued together. A one-word edit in a sentence is
untouched (nothing to fold).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rulebook.diff import DELETE, EQUAL, INSERT, Op, tokenize, unified

# A kept run of at most this many words between two changes is folded into them. Two keeps
# "of the branches" (three) and folds "if", "the", "shall be"; chosen on the demo's diffs.
MAX_KEPT_WORDS = 2


def _words(text: str) -> int:
    return sum(1 for token in tokenize(text) if any(ch.isalnum() for ch in token))


def phrases(ops: Sequence[Op], *, max_kept_words: int = MAX_KEPT_WORDS) -> list[Op]:
    """`ops` with each short kept run between two changes folded into them: a deletion of
    everything from the first change to the last, then an insertion of what replaces it.
    Applying the result to A still gives B (`rulebook.diff.apply_ops`)."""
    groups: list[list] = []  # [kind, deleted, inserted] with kind "equal" or "change"
    for op in ops:
        if not op.text:
            continue
        if op.kind == EQUAL:
            groups.append([EQUAL, op.text, op.text])
        elif groups and groups[-1][0] != EQUAL:
            groups[-1][1 if op.kind == DELETE else 2] += op.text
        else:
            groups.append(["change", *((op.text, "") if op.kind == DELETE else ("", op.text))])
    merged: list[list] = []
    for group in groups:
        if group[0] != EQUAL and len(merged) >= 2 and _foldable(merged[-1], max_kept_words):
            kept = merged.pop()
            merged[-1][1] += kept[1] + group[1]
            merged[-1][2] += kept[2] + group[2]
            continue
        merged.append(list(group))
    out: list[Op] = []
    for kind, deleted, inserted in merged:
        if kind == EQUAL:
            out.append(Op(EQUAL, deleted))
            continue
        out += [Op(DELETE, deleted)] if deleted else []
        out += [Op(INSERT, inserted)] if inserted else []
    return out


def _foldable(kept: list, max_kept_words: int) -> bool:
    return kept[0] == EQUAL and "\n" not in kept[1] and _words(kept[1]) <= max_kept_words


# --- plain text ---------------------------------------------------------------------------


def file_text(heading: str, text: str) -> str:
    """What a rule's "file" holds in a unified diff: its heading on the first line, then its
    text, so that a new heading shows as a changed first line."""
    return f"{heading}\n{text}" if heading else text


def unified_files(files: Iterable[tuple[str, str, str, str]]) -> str:
    """One `diff -u` text of several rules: `files` gives, for each, the labels of its two
    sides ("/dev/null" for a side where the rule is not in force) and its two texts. A rule
    whose texts are equal adds nothing, as in `diff -u`."""
    return "".join(
        unified(a, b, from_label=from_label, to_label=to_label)
        for from_label, to_label, a, b in files
    )
