"""Settings of the benchmark's servers: the production settings (`config.settings`, driven by
the same environment variables) with the rate limits lifted, because every request of the
benchmark comes from one address and would be refused after the first few hundred; and the
collected static files in the run's temporary folder, not the checkout's."""

import os

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK, STATIC_ROOT

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # DRF skips a throttle whose rate is None, so no counter is read or written either.
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
}
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)
