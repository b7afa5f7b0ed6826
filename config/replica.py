"""An optional read replica (`DATABASE_REPLICA_URL`): safe requests read from it, everything
else uses the primary.

Reads go to the replica only inside a request that cannot write (GET, HEAD, OPTIONS) and only
when nobody wrote recently: after any unsafe request the primary serves every read, from every
worker, for `REPLICA_LAG_SECONDS` (the mark lives in the shared cache, `CACHE_URL`), so a
write through the API followed by a read shows the new state at once. Management commands,
services and tests never see the replica: the router sends a read there only when
`ReplicaReadsMiddleware` has allowed it for the current request.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WROTE_AT = "rulebook:replica:last-write"

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def recently_written(now: float | None = None) -> bool:
    wrote_at = cache.get(_WROTE_AT)
    now = time.time() if now is None else now
    return wrote_at is not None and now - wrote_at < settings.REPLICA_LAG_SECONDS


def mark_written() -> None:
    """Send every read to the primary for the next `REPLICA_LAG_SECONDS`, in every worker."""
    cache.set(_WROTE_AT, time.time(), timeout=settings.REPLICA_LAG_SECONDS + 1)


class PrimaryReplicaRouter:
    """Writes to the primary; reads to the replica only where the request allows it."""

    def db_for_read(self, model, **hints):
        return REPLICA if _replica_allowed.get() and replica_configured() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are the same database, one of them a copy: rows relate across them.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Allow replica reads for a safe request when nothing was written recently."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        token = _replica_allowed.set(safe and not recently_written())
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            mark_written()
        return response
