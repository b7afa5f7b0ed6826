"""axe-core finds no serious or critical accessibility problem on the member pages."""

import pytest

pytestmark = [pytest.mark.browser]

PAGES = [
    "/coop/",
    "/coop/?at=2017-01-01",
    "/coop/rules/nominations/",
    "/coop/rules/nominations/v/3/",
    "/coop/rules/nominations/compare/?from=1&to=4",
    "/coop/rules/nominations/compare/?from=1&to=4&view=side",
    "/coop/rules/nominations/blame/",
    "/coop/changes/?from=2016-06-01&to=2022-06-01",
    "/coop/proposals/",
    "/coop/proposals/{p20}/",
    "/coop/parameters/nomination_threshold/",
    "/coop/search/?q=committee",
    "/coop/cite/?ref=2.1",
    "/coop/rules/nominations/compare/?from=1&to=99",
]


def test_no_serious_or_critical_accessibility_violation(site, page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for path in PAGES:
        page.goto(site.url + path.format(p20=site.p20.pk))
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    assert found == {}
