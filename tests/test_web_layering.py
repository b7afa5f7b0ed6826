"""Dependencies are real and visible: `proposals` imports `rulebook`, the member pages (`web`)
import both, and `rulebook` reaches neither, by an import or through strings."""

import ast
import pathlib

import pytest
from django.urls import reverse

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Ways to reach another app's data without importing it (STYLE.md, "Dependencies").
STRING_REACHES = (
    "hasattr(Rule",
    "hasattr(Parameter",
    "related_model",
    "amendment__",
    ".amendments",
    "'web:",
    '"web:',
)


def sources(app: str, suffixes=(".py", ".html")):
    for path in sorted((ROOT / app).rglob("*")):
        if path.suffix in suffixes and "migrations" not in path.parts:
            yield path


def imported_apps(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("app", "forbidden"), [("rulebook", {"proposals", "web"}), ("proposals", {"web"})]
)
def test_a_lower_app_imports_nothing_from_the_apps_above_it(app, forbidden):
    offenders = {
        str(path.relative_to(ROOT)): imported_apps(path) & forbidden
        for path in sources(app, (".py",))
        if imported_apps(path) & forbidden
    }
    assert offenders == {}


def test_rulebook_does_not_reach_proposal_data_or_page_urls_through_strings():
    found = [
        f"{path.relative_to(ROOT)}: {reach}"
        for path in sources("rulebook")
        for reach in STRING_REACHES
        if reach in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_rulebook_holds_no_templates_or_static_files_of_the_pages():
    assert not list((ROOT / "rulebook").glob("templates/**/*.html"))
    assert not list((ROOT / "rulebook").glob("static/**/*.*"))


def test_every_member_page_is_named_in_the_one_web_namespace(db):
    assert reverse("web:index") == "/"
    assert reverse("web:rule", args=["coop", "dues"]) == "/coop/rules/dues/"
    assert reverse("web:proposal_list", args=["coop"]) == "/coop/proposals/"
    assert reverse("web:proposal", args=["coop", 7]) == "/coop/proposals/7/"
    assert reverse("healthz") == "/healthz"
