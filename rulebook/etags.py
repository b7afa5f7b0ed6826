"""ETags of things that never change once recorded (rule versions, the diff between two).

One hashing for the member pages and the API: each passes its own revision first, bumped when
its representation changes, so that old ETags stop matching.
"""

from __future__ import annotations

import hashlib


def fingerprint(revision: str, *parts: object) -> str:
    """An opaque, unquoted ETag value for `parts` in representation `revision`."""
    raw = ":".join(map(str, (revision, *parts)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
