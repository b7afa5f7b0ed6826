"""Rate limits for expensive endpoints (diffs, rule-book-wide changes, blame)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class ExpensiveThrottle(ScopedRateThrottle):
    """Per client (user, or IP address when anonymous), through the default cache.

    Views set `throttle_scope = "expensive"`; the rate is `DEFAULT_THROTTLE_RATES["expensive"]`,
    read on each request rather than at import so that tests can override it.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
