"""Rate limits: every client of the API, and expensive reads more strictly.

All counters live in the default cache (`CACHE_URL`), so with Redis every worker shares them.
A client is its user when authenticated, else its address: `REMOTE_ADDR`, or the address the
trusted proxies report when `TRUSTED_PROXY_COUNT` (DRF's NUM_PROXIES) says how many there
are. An `X-Forwarded-For` that no trusted proxy wrote is never believed, so a client cannot
make up a new address per request to escape its limit.

Rates are read on each request rather than at import, so that settings and tests can change
them (`API_ANON_RATE`, `API_USER_RATE`, `API_EXPENSIVE_RATE`).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


def client_ip(request) -> str:
    """The client's address by the rule above (DRF's, NUM_PROXIES): for the API's throttles,
    the member pages' limits and django-axes' login lockouts alike."""
    return throttling.BaseThrottle().get_ident(request)


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Authenticated clients, by user (anonymous ones by address)."""


class ExpensiveThrottle(_RateFromSettings, throttling.ScopedRateThrottle):
    """Expensive reads (diffs, blame, rule-book-wide changes, search): views set
    `throttle_scope = "expensive"`; member pages use it through `web.throttling`."""


class _ScopedView:
    def __init__(self, scope: str):
        self.throttle_scope = scope


def page_allowed(request, scope: str = "expensive") -> tuple[bool, float | None]:
    """Whether a member page's request is within the API's `scope` limit for its client, and
    if not, how many seconds to wait. The same counters as the API: one budget per client."""
    throttle = ExpensiveThrottle()
    if throttle.allow_request(request, _ScopedView(scope)):
        return True, None
    return False, throttle.wait()
