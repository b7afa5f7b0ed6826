"""Load one URL with `wrk` and read its report: requests a second, p50/p99 latency, and how
many answers had each status (a small Lua script counts them per thread and prints the sum,
so a run of 304s or 429s is seen, not mistaken for fast 200s)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# wrk runs this in every thread; `done` runs once, after all threads, in the main one.
STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do io.write(string.format("status %d %d\\n", status, n)) end
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.M)
_STATUS = re.compile(r"^status (\d+) (\d+)$", re.M)
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: int = 0

    def share(self, status: int) -> float:
        """The fraction of answers with this status (0 when nothing was answered)."""
        answered = sum(self.statuses.values())
        return self.statuses.get(status, 0) / answered if answered else 0.0


def parse(output: str) -> WrkResult:
    """Read wrk's `--latency` report (and the status lines of STATUS_SCRIPT)."""
    rate = _RATE.search(output)
    total = _TOTAL.search(output)
    percentiles = {int(p): float(v) * _UNITS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if rate is None or total is None or set(percentiles) != {50, 99}:
        raise WrkError(f"not a wrk --latency report:\n{output}")
    errors = _ERRORS.search(output)
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total.group(1)),
        statuses={int(s): int(n) for s, n in _STATUS.findall(output)},
        socket_errors=sum(map(int, errors.groups())) if errors else 0,
    )


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    seconds: float,
    connections: int = 4,
    threads: int = 2,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """wrk on `url` for `seconds`, keep-alive connections spread over `threads`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(STATUS_SCRIPT)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script.name,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        Path(script.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
