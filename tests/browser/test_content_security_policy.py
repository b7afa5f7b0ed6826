"""The Content-Security-Policy blocks nothing the pages need: the API docs still render."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit_collecting_violations(page, url):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response, violations


def test_the_api_docs_render_swagger_ui_under_their_policy(live_server, page):
    response, violations = visit_collecting_violations(page, live_server.url + "/api/docs/")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations == []


@pytest.mark.parametrize("path", ["/admin/login/", "/", "/no-such-book/"])
def test_pages_and_the_admin_break_no_rule_of_the_policy(live_server, page, path):
    response, violations = visit_collecting_violations(page, live_server.url + path)
    assert response.status in (200, 404)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert violations == []
