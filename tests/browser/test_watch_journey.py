"""A member watches a rule in Chromium on a phone-sized screen: from the rule page to the form,
the confirmation page's button, and the unsubscribe page; axe finds nothing serious on them."""

import re

import pytest
from django.core import mail

from web.models import Watch

pytestmark = [pytest.mark.browser]


def _serious(page):
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def _path(message, kind):
    return re.search(rf"https?://[^/\s]+(/coop/watch/{kind}/\S+/)", message.body)[1]


def test_watching_a_rule_from_its_page_on_a_phone(site, browser, settings, tmp_path):
    settings.SITE_URL = site.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = {}

    page.goto(site.url + "/coop/rules/quorum/")
    page.get_by_role("link", name="Watch this rule by e-mail").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Watch rule quorum by e-mail"
    found["form"] = _serious(page)
    page.screenshot(path=str(tmp_path / "watch-form.png"), full_page=True)
    page.get_by_label("Your e-mail address").fill("member@example.org")
    page.get_by_label("A daily digest").check()
    page.get_by_role("button", name="Send me a confirmation link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"

    (message,) = mail.outbox
    page.goto(site.url + _path(message, "confirm"))
    found["confirm"] = _serious(page)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Watch confirmed"
    assert Watch.objects.get().frequency == "daily"

    page.goto(site.url + _path(message, "unsubscribe"))
    found["unsubscribe"] = _serious(page)
    page.get_by_role("button", name="Unsubscribe and delete my address").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Unsubscribed"
    assert Watch.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    context.close()
    assert found == {"form": [], "confirm": [], "unsubscribe": []}
