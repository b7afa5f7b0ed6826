"""`import_rulebook` and `export_rulebook`, driven as an administrator would run them."""

import datetime
import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections
from django.utils import timezone

from rulebook.exchange.markdown import long_date
from rulebook.models import Rule, Rulebook, RuleVersion

ORDERS = """\
rulebook: {slug: hill-ward, title: Hill Ward Branch — Standing Orders}
parameters:
  - {key: quorum, label: Quorum, unit: members}
rules:
  - key: meetings
    versions:
      - {number: "1", heading: Meetings, effective_from: 2018-01-01}
  - key: meetings-quorum
    parent: meetings
    versions:
      - number: "1.1"
        heading: Quorum
        text: The quorum is 8 members.
        effective_from: 2018-01-01
        parameters: {quorum: 8}
      - number: "1.1"
        heading: Quorum
        text: The quorum is 6 members.
        effective_from: 2021-03-01
        parameters: {quorum: 6}
"""

BROKEN = """\
rulebook: {slug: hill-ward, title: Hill Ward}
rules:
  - key: meetings
    versions:
      - {number: "1", effective_from: 2018-02-30}
  - key: meetings-quorum
    parent: meeting
    versions: []
"""


def run(*args, **options):
    """Run a command; return what it wrote to standard output."""
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def orders_file(tmp_path):
    path = tmp_path / "hill-ward.yaml"
    path.write_text(ORDERS, encoding="utf-8")
    return path


@pytest.fixture
def hill_ward(db, orders_file):
    run("import_rulebook", str(orders_file))
    return Rulebook.objects.get(slug="hill-ward")


# --- import_rulebook ---------------------------------------------------------------------------


def test_importing_a_file_says_what_it_imported(db, orders_file):
    assert run("import_rulebook", str(orders_file)) == (
        "Imported hill-ward: 2 rules, 3 versions, 1 parameter\n"
    )
    assert RuleVersion.objects.filter(rule__key="meetings-quorum").count() == 2


def test_importing_from_standard_input(db):
    stdin = io.StringIO(json.dumps(yaml.safe_load(ORDERS), default=str))
    assert run("import_rulebook", "-", stdin=stdin).startswith("Imported hill-ward:")


def test_the_format_option_overrides_the_file_name(db, tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text(json.dumps(yaml.safe_load(ORDERS), default=str), encoding="utf-8")
    run("import_rulebook", str(path), format="json")
    assert Rule.objects.count() == 2


def test_an_invalid_file_lists_every_problem_and_imports_nothing(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import_rulebook", str(path))
    assert str(caught.value) == (
        f"{path} is not a valid rule book file (3 problems); nothing was imported:\n"
        "rules[0].versions[0].effective_from: '2018-02-30' is not a date (YYYY-MM-DD)\n"
        "rules[1].parent: there is no rule 'meeting' in this file\n"
        "rules[1].versions: a rule needs at least one version"
    )
    assert Rulebook.objects.count() == 0


def test_from_the_command_line_an_invalid_file_exits_with_status_1(
    db, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes every connection when it ends, which would end the test's
    # transaction on PostgreSQL; the command's own work is unchanged.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "import_rulebook", str(path)])
    assert caught.value.code == 1
    stderr = capsys.readouterr().err.splitlines()
    assert stderr[0] == (
        f"CommandError: {path} is not a valid rule book file (3 problems); nothing was imported:"
    )
    assert stderr[1:] == [
        "rules[0].versions[0].effective_from: '2018-02-30' is not a date (YYYY-MM-DD)",
        "rules[1].parent: there is no rule 'meeting' in this file",
        "rules[1].versions: a rule needs at least one version",
    ]
    assert Rulebook.objects.count() == 0


def test_importing_the_same_rule_book_twice_is_refused(hill_ward, orders_file):
    with pytest.raises(
        CommandError, match=r"rulebook\.slug: a rule book 'hill-ward' already exists"
    ):
        run("import_rulebook", str(orders_file))
    assert Rulebook.objects.count() == 1


def test_a_file_that_is_not_yaml_is_refused_with_its_line(db):
    with pytest.raises(CommandError, match=r"line 2, column \d+: "):
        run("import_rulebook", "-", stdin=io.StringIO("rulebook: {slug: x\nrules: [\n"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.yaml", "missing.yaml: no such file."),
        (lambda tmp: tmp, "is a directory, not a file."),
        (lambda tmp: _write_bytes(tmp / "latin1.yaml", "title: café".encode("latin-1")),
         "latin1.yaml: not UTF-8 text"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_a_clear_error(db, tmp_path, make, message):
    with pytest.raises(CommandError, match=message):
        run("import_rulebook", str(make(tmp_path)))


def _write_bytes(path, content: bytes):
    path.write_bytes(content)
    return path


# --- export_rulebook ---------------------------------------------------------------------------


def test_export_writes_yaml_to_standard_output_by_default(hill_ward):
    written = run("export_rulebook", "hill-ward")
    assert written.startswith(
        "rulebook:\n  slug: hill-ward\n  title: Hill Ward Branch — Standing Orders\n"
    )
    assert "effective_from: 2021-03-01\n" in written


def test_an_exported_file_imports_as_an_identical_rule_book(hill_ward, tmp_path):
    path = tmp_path / "export.json"
    assert run("export_rulebook", "hill-ward", output=str(path)) == (
        f"Exported hill-ward as json to {path}\n"
    )
    exported = path.read_text(encoding="utf-8")
    path.write_text(exported.replace('"hill-ward"', '"hill-ward-copy"'), encoding="utf-8")
    run("import_rulebook", str(path))
    again = run("export_rulebook", "hill-ward-copy", format="json")
    assert again.replace('"hill-ward-copy"', '"hill-ward"') == exported


def test_export_on_a_date_gives_the_version_then_in_force(hill_ward):
    exported = json.loads(run("export_rulebook", "hill-ward", at="2020-12-31", format="json"))
    quorum = exported["rules"][1]["versions"]
    assert [(v["text"], v["parameters"]) for v in quorum] == [
        ("The quorum is 8 members.", {"quorum": 8})
    ]


HISTORY = """\
bodies:
  - {slug: agm, name: Annual general meeting, kind: conference, decides: true}
proposals:
  - reference: 2021/1
    title: A smaller quorum
    proposer: Secretary
    status: adopted
    adopted_on: 2021-02-20
    amendments:
      - {kind: amend, rule: meetings-quorum, base_version: 1, produced_version: 2}
    votes:
      - {body: agm, held_on: 2021-02-20, stage: decision, method: show_of_hands, votes_for: 14,
         votes_against: 3}
"""


def test_bodies_and_proposals_go_through_the_commands_but_not_into_an_export_on_a_date(
    db, tmp_path
):
    path = tmp_path / "hill-ward.yaml"
    path.write_text(ORDERS + HISTORY, encoding="utf-8")
    run("import_rulebook", str(path))

    whole = yaml.safe_load(run("export_rulebook", "hill-ward"))
    on_a_date = yaml.safe_load(run("export_rulebook", "hill-ward", at="2021-06-01"))

    assert [p["votes"][0]["result"] for p in whole["proposals"]] == ["carried"]
    assert whole["bodies"][0]["slug"] == "agm"
    assert set(on_a_date) == {"rulebook", "parameters", "rules"}


def test_export_as_markdown_on_a_date(hill_ward):
    written = run("export_rulebook", "hill-ward", at="2020-12-31", format="markdown")
    assert written.startswith(
        "# Hill Ward Branch — Standing Orders\n\nAs in force on 31 December 2020."
    )
    assert "### 1.1 Quorum\n\nThe quorum is 8 members.\n" in written
    assert "6 members" not in written


def test_export_as_markdown_without_a_date_is_as_in_force_today(hill_ward):
    written = run("export_rulebook", "hill-ward", format="markdown")
    assert f"As in force on {long_date(timezone.localdate())}." in written
    assert "The quorum is 6 members." in written


def test_the_output_file_extension_chooses_the_format(hill_ward, tmp_path):
    path = tmp_path / "orders.md"
    run("export_rulebook", "hill-ward", output=str(path), at="2021-03-01")
    assert path.read_text(encoding="utf-8").startswith("# Hill Ward Branch")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "There is no rule book 'nowhere'. Known rule books: hill-ward."),
        (["hill-ward", "--at", "2021-02-30"], "--at: '2021-02-30' is not a date (YYYY-MM-DD)."),
        (["hill-ward", "--at", "1 March 2021"], "--at: '1 March 2021' is not a date"),
        (["hill-ward", "--format", "docx"], "argument --format: invalid choice: 'docx'"),
    ],
)
def test_export_refuses_bad_arguments_clearly(hill_ward, args, message):
    with pytest.raises(CommandError) as caught:
        run("export_rulebook", *args)
    assert message in str(caught.value)


def test_export_to_a_folder_that_does_not_exist_is_a_clear_error(hill_ward, tmp_path):
    with pytest.raises(CommandError, match="cannot be written"):
        run("export_rulebook", "hill-ward", output=str(tmp_path / "no" / "such.yaml"))


def test_the_markdown_date_is_the_local_date(hill_ward, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2019, 5, 4))
    assert "As in force on 4 May 2019." in run("export_rulebook", "hill-ward", format="markdown")
