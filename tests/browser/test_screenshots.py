"""The README's screenshots of the rule page and the compare page.

Always taken (so the pages render in a real browser); written to docs/screenshots/ only with
UPDATE_SCREENSHOTS=1, so that an ordinary test run leaves the work tree alone:

    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser/test_screenshots.py
"""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = {  # file: (page, viewport height)
    "rule.png": ("/coop/rules/nominations/", 1250),
    "compare.png": ("/coop/rules/nominations/compare/?from=1&to=4&view=side", 620),
}


def test_readme_screenshots(site, browser, tmp_path):
    target = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(device_scale_factor=1, locale="en-GB")
    page = context.new_page()
    for name, (path, height) in SHOTS.items():
        page.set_viewport_size({"width": 1100, "height": height})
        page.goto(site.url + path)
        page.screenshot(path=str(target / name), full_page=False)
        assert (target / name).stat().st_size > 10_000
    context.close()
