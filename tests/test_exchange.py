"""Import and export of whole rule books (DESIGN.md, "Import/export file")."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook import exchange
from rulebook.exchange import (
    InvalidRulebookFile,
    dump_document,
    read_document,
    register_section,
    render_markdown,
    rulebook_export,
    rulebook_import,
    sections,
    unregister_section,
    validate_document,
)
from rulebook.exchange.markdown import long_date
from rulebook.models import AuditEntry, Parameter, ParameterValue, Rule, Rulebook, RuleVersion

# A small club's standing orders: three levels, a rule inserted before another (which is
# renumbered), a repeal and a reinstatement, two parameters, multi-line text with unicode
# and quotes. Written in the canonical form an export produces, so export == this file.
STANDING_ORDERS = """\
rulebook:
  slug: riverside-rowing
  title: Riverside Rowing Club — Standing Orders
  description: Adopted at the founding meeting and amended at each AGM.
parameters:
- key: agm_quorum
  label: Quorum of the AGM
  unit: members
- key: annual_subscription
  label: Annual subscription
  unit: £
  description: Full adult rate; concessions are set by rule 1.2.1.
rules:
- key: membership
  versions:
  - number: '1'
    heading: Membership
    text: ''
    effective_from: 2015-01-01
    provenance: reconstructed
    source: Club minute book
- key: membership-eligibility
  parent: membership
  versions:
  - number: '1.1'
    heading: Who may join
    text: |-
      Anyone aged 16 or over who supports the club's aims may join.
      The committee may refuse an application only with reasons given in writing.
    effective_from: 2015-01-01
    provenance: printed
    source: Standing Orders, printed edition of 2015
  - number: '1.1'
    heading: Who may join
    text: |-
      Anyone aged 14 or over who supports the club's aims may join; a member under 16
      needs the written consent of a parent or guardian ("the consent form").

      The committee may refuse an application only with reasons given in writing.
    effective_from: 2019-04-01
    note: Amended by the 2019 AGM, motion 3 (proposed by Zoë Ng).
    provenance: reconstructed
    source: Club minute book
- key: membership-subscriptions
  parent: membership
  versions:
  - number: '1.2'
    heading: Subscriptions
    text: The annual subscription is £40, payable by 1 April.
    effective_from: 2015-01-01
    parameters:
      annual_subscription: 40
    provenance: reconstructed
    source: Club minute book
  - number: '1.2'
    heading: Subscriptions
    text: The annual subscription is £45.50, payable by 1 April.
    effective_from: 2019-04-01
    parameters:
      annual_subscription: 45.5
    provenance: reconstructed
    source: Club minute book
- key: membership-concessions
  parent: membership-subscriptions
  versions:
  - number: 1.2.1
    heading: Concessions
    text: Students and the unwaged pay half the “full” rate.
    effective_from: 2016-06-01
    provenance: reconstructed
    source: Club minute book
  - repealed: true
    effective_from: 2019-04-01
    note: Repealed by the 2019 AGM in favour of a sliding scale.
    provenance: adopted
    source: 2019 AGM, motion 4
  - number: 1.2.1
    heading: Concessions
    text: Students, the unwaged and members over 70 pay half the full rate.
    effective_from: 2022-04-01
    note: Reinstated by the 2022 AGM after the sliding scale proved unworkable.
    provenance: reconstructed
    source: Club minute book
- key: meetings
  versions:
  - number: '2'
    heading: General meetings
    text: ''
    effective_from: 2015-01-01
    provenance: reconstructed
    source: Club minute book
- key: meetings-notice
  parent: meetings
  versions:
  - number: '2.1'
    heading: Notice
    text: At least 21 days' notice of a general meeting is given by e-mail.
    effective_from: 2019-04-01
    provenance: reconstructed
    source: Club minute book
- key: meetings-agm
  parent: meetings
  versions:
  - number: '2.1'
    heading: Annual general meeting
    text: The AGM is held each March. Its quorum is 20 members.
    effective_from: 2015-01-01
    parameters:
      agm_quorum: 20
    provenance: reconstructed
    source: Club minute book
  - number: '2.2'
    heading: Annual general meeting
    text: The AGM is held each March. Its quorum is 20 members.
    effective_from: 2019-04-01
    parameters:
      agm_quorum: 20
    note: Renumbered when the rule on notice was inserted as 2.1.
    provenance: reconstructed
    source: Club minute book
  - number: '2.2'
    heading: Annual general meeting
    text: The AGM is held each March. Its quorum is 15 members.
    effective_from: 2022-04-01
    parameters:
      agm_quorum: 15
    provenance: reconstructed
    source: Club minute book
"""

MINUTES = {"provenance": "reconstructed", "source": "Club minute book"}

ELIGIBILITY_2019 = (
    "Anyone aged 14 or over who supports the club's aims may join; a member under 16\n"
    'needs the written consent of a parent or guardian ("the consent form").\n\n'
    "The committee may refuse an application only with reasons given in writing."
)


@pytest.fixture
def core_only(monkeypatch):
    """Sections registered by other apps (bodies, proposals) left out, so that messages and
    query counts here are about the rule book itself."""
    monkeypatch.setattr(sections, "_SECTIONS", {})


@pytest.fixture
def standing_orders(db):
    return rulebook_import(data=read_document(STANDING_ORDERS, format="yaml"))


def import_text(text, format="yaml", **kwargs):
    return rulebook_import(data=read_document(text, format=format), **kwargs)


def problems_in(text, format="yaml"):
    with pytest.raises(InvalidRulebookFile) as caught:
        import_text(text, format)
    return caught.value.errors


def row_counts():
    return [m.objects.count() for m in (Rulebook, Rule, RuleVersion, Parameter, ParameterValue)]


def minimal(*rules, parameters=None):
    """A one-slug document around the given rule entries."""
    data = {"rulebook": {"slug": "orders", "title": "Orders"}, "rules": list(rules)}
    if parameters is not None:
        data["parameters"] = parameters
    return data


def rule(key, *versions, parent=None):
    entry = {"key": key, "versions": list(versions) or [version("1", "2015-01-01")]}
    if parent:
        entry["parent"] = parent
    return entry


def version(number, effective_from, **fields):
    return {"number": number, "effective_from": effective_from, **fields}


def repeal(effective_from, **fields):
    return {"repealed": True, "effective_from": effective_from, **fields}


# --- Import ------------------------------------------------------------------------------------


def test_importing_a_file_creates_the_rule_tree_in_document_order(standing_orders):
    rules = list(standing_orders.rules.in_document_order())
    assert [(r.key, r.parent.key if r.parent else None, r.position) for r in rules] == [
        ("membership", None, 1),
        ("membership-eligibility", "membership", 2),
        ("membership-subscriptions", "membership", 3),
        ("membership-concessions", "membership-subscriptions", 4),
        ("meetings", None, 5),
        ("meetings-notice", "meetings", 6),
        ("meetings-agm", "meetings", 7),
    ]


def test_importing_a_file_records_every_version_with_its_sequence_and_values(standing_orders):
    concessions = standing_orders.rules.get(key="membership-concessions")
    assert [
        (v.seq, v.repealed, v.effective_from.isoformat()) for v in concessions.versions.all()
    ] == [
        (1, False, "2016-06-01"),
        (2, True, "2019-04-01"),
        (3, False, "2022-04-01"),
    ]
    eligibility = standing_orders.rules.get(key="membership-eligibility").versions.get(seq=2)
    assert eligibility.text == ELIGIBILITY_2019
    fee = ParameterValue.objects.get(version__rule__key="membership-subscriptions", version__seq=2)
    assert (fee.parameter.key, fee.value, fee.parameter.unit) == (
        "annual_subscription",
        Decimal("45.5"),
        "£",
    )


def test_importing_a_file_is_audited_with_who_did_it(db, django_user_model):
    secretary = django_user_model.objects.create(username="secretary")
    rulebook = import_text(STANDING_ORDERS, by=secretary)
    entry = AuditEntry.objects.get(action="rulebook.import")
    assert (entry.subject, entry.actor, entry.data["rules"], entry.data["versions"]) == (
        "riverside-rowing",
        secretary,
        7,
        13,
    )
    assert set(
        RuleVersion.objects.filter(rule__rulebook=rulebook).values_list("created_by", flat=True)
    ) == {secretary.pk}


def test_a_slug_that_already_exists_is_refused_and_nothing_is_merged(standing_orders):
    before = row_counts()
    assert problems_in(STANDING_ORDERS) == [
        "rulebook.slug: a rule book 'riverside-rowing' already exists"
    ]
    assert row_counts() == before


def test_optional_fields_may_be_left_out_and_dates_may_be_quoted(db):
    rulebook = import_text(
        """
        rulebook: {slug: orders, title: Orders}
        rules:
          - key: one
            versions:
              - {number: "1", effective_from: "2015-01-01"}
              - {number: "1", heading: null, text: Now with text, effective_from: 2016-01-01}
        """
    )
    first, second = RuleVersion.objects.filter(rule__rulebook=rulebook)
    assert (first.heading, first.text, first.note, second.text) == ("", "", "", "Now with text")
    assert second.effective_from == datetime.date(2016, 1, 1)


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("rulebook: {slug: orders, title: Orders}\n"
         "rules: [{key: one, versions: [{number: 1.10, effective_from: 2015-01-01}]}]", "yaml"),
        ('{"rulebook": {"slug": "orders", "title": "Orders"}, "rules": [{"key": "one",'
         ' "versions": [{"number": 1.10, "effective_from": "2015-01-01"}]}]}', "json"),
    ],
)  # fmt: skip
def test_an_unquoted_rule_number_keeps_the_digits_as_written(db, text, format):
    import_text(text, format)
    assert RuleVersion.objects.get().number == "1.10"


def test_without_a_parameters_section_the_stated_parameters_are_declared_by_key(db):
    rulebook = rulebook_import(
        data=minimal(rule("one", version("1", "2015-01-01", parameters={"quorum": 12})))
    )
    assert [(p.key, p.label) for p in rulebook.parameters.all()] == [("quorum", "quorum")]


def test_a_large_rule_book_imports_with_bulk_inserts_not_a_query_per_row(
    db, django_assert_max_num_queries
):
    # 1,000 rules in three levels, three versions each: inserts go depth by depth and version
    # by version (SQLite splits them into batches of 999 values); row by row would be 7,000.
    rules = []
    for n in range(1000):
        parent = None if n % 10 == 0 else (f"r{n - n % 10}" if n % 10 < 5 else f"r{n - n % 10 + 4}")
        rules.append(
            rule(
                f"r{n}",
                *(version(f"{n}.{v}", f"201{v}-01-01", text="Text " * 40, parameters={"p": v})
                  for v in range(3)),
                parent=parent,
            )
        )  # fmt: skip
    # 70: each version row carries provenance and placement too, so SQLite fits fewer per batch;
    # 3 more to recognise the cross-references (numbers, old rows, texts; none to insert here).
    with django_assert_max_num_queries(73):
        rulebook = rulebook_import(data=minimal(*rules))
    assert RuleVersion.objects.filter(rule__rulebook=rulebook).count() == 3000
    assert Rule.objects.get(key="r7").parent.key == "r4"


# --- Broken files ------------------------------------------------------------------------------

BROKEN = """\
rulebook: {slug: broken-orders, title: Broken Orders}
parameters:
  - {key: quorum, label: Quorum}
rules:
  - key: one
    versions:
      - {number: "1", text: First, effective_from: 2017-13-01}
  - key: two
    versions:
      - {number: "2", effective_from: 2018-01-01}
      - {number: "2", effective_from: 2017-01-01}
  - key: three
    parent: nowhere
    versions: [{number: "3", effective_from: 2015-01-01}]
  - key: one
    versions: [{number: "4", effective_from: 2015-01-01}]
  - key: Five_5
    versions: [{number: "5", effective_from: 2015-01-01, txt: typo}]
  - key: six
    versions: [{number: "6", effective_from: 2015-01-01, parameters: {quorum: twenty}}]
  - key: seven
    parent: eight
    versions: [{number: "7.1", effective_from: 2015-01-01}]
  - key: eight
    versions: [{number: "8", effective_from: 2015-01-01}]
committees: []
"""


def test_a_broken_file_reports_every_problem_by_path_and_writes_nothing(standing_orders, core_only):
    before = row_counts()
    assert problems_in(BROKEN) == [
        "committees: unknown section (expected one of: rulebook, parameters, rules)",
        "rules[0].versions[0].effective_from: '2017-13-01' is not a date (YYYY-MM-DD)",
        "rules[1].versions[1].effective_from: 2017-01-01 is not after the version before "
        "(2018-01-01); list versions oldest first",
        "rules[2].parent: there is no rule 'nowhere' in this file",
        "rules[3].key: 'one' is already used by rules[0]",
        "rules[4].key: 'Five_5' is not valid. Use lower-case letters, digits and single hyphens "
        "only (for example c4-ii-2-b-i).",
        "rules[4].versions[0].txt: unknown key (expected one of: number, heading, text, "
        "effective_from, parameters, note, repealed, provenance, source, parent, position)",
        "rules[5].versions[0].parameters.quorum: expected a number, found text 'twenty'",
        "rules[6].parent: 'eight' is listed after this rule (rules[7]); a parent must come "
        "before its sub-rules",
    ]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({}, "rulebook: is required"),
        ({"rulebook": {"slug": "orders", "title": "Orders"}}, "rules: is required"),
        (minimal(rule("a"), rule("b"), rule("c", parent="a")),
         "rules[2].parent: 'a' is not an ancestor of the rule before this one; rules must be in "
         "document order (a rule follows its parent's earlier sub-rules)"),
        (minimal(rule("a", parent="a")), "rules[0].parent: a rule cannot be its own parent"),
        (minimal({"key": "a", "versions": []}),
         "rules[0].versions: a rule needs at least one version"),
        (minimal({"key": "a"}), "rules[0].versions: is required"),
        (minimal(rule("a", repeal("2015-01-01"))),
         "rules[0].versions[0].repealed: the first version cannot be a repeal"),
        (minimal(rule("a", version("1", "2015-01-01"), repeal("2016-01-01"), repeal("2017-01-01"))),
         "rules[0].versions[2].repealed: the rule is already repealed by the version before"),
        (minimal(rule("a", version("1", "2015-01-01"), repeal("2016-01-01", text="Gone"))),
         "rules[0].versions[1].text: a repeal has no text; write {repealed: true, "
         "effective_from: …}"),
        (minimal(rule("a", version("1", "2015-01-01"), version("1", "2015-01-01"))),
         "rules[0].versions[1].effective_from: 2015-01-01 is not after the version before "
         "(2015-01-01); list versions oldest first"),
        (minimal(rule("a", {"effective_from": "2015-01-01"})),
         "rules[0].versions[0].number: is required"),
        (minimal(rule("a", version(" ", "2015-01-01"))),
         "rules[0].versions[0].number: must not be empty"),
        (minimal(rule("a", version("1", "2015-01-01", heading="x" * 301))),
         "rules[0].versions[0].heading: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' is not valid. "
         "Ensure this value has at most 300 characters (it has 301)."),
        (minimal(rule("a", version("1", "2015-01-01", text="nul\x00"))),
         "rules[0].versions[0].text: contains a NUL character"),
        (minimal(rule("a", version("1", "2015-01-01", parameters={"size": 3})), parameters=[]),
         "rules[0].versions[0].parameters.size: not declared in the parameters section"),
        (minimal(rule("a", version("1", "2015-01-01", parameters={"size": True}))),
         "rules[0].versions[0].parameters.size: expected a number, found true"),
        (minimal(rule("a", version("1", "2015-01-01", parameters={"size": 0.12345}))),
         "rules[0].versions[0].parameters.size: Ensure that there are no more than 4 decimal "
         "places."),
        (minimal(rule("a", version("1", "2015-01-01", parameters={"size": float("nan")}))),
         "rules[0].versions[0].parameters.size: nan is not a finite number"),
        (minimal(rule("a", version("1", "2015-01-01", parameters={"Size": 1}))),
         "rules[0].versions[0].parameters.Size: 'Size' is not valid. "
         "Use lower_case_with_underscores."),
        (minimal(rule("a", version("1", "2015-01-01")), parameters=[{"key": "q"}, {"key": "q"}]),
         "parameters[1].key: 'q' is already declared by parameters[0]"),
        (minimal(rule("a", version("1", datetime.datetime(2015, 1, 1)))),
         "rules[0].versions[0].effective_from: '2015-01-01 00:00:00' is not a date (YYYY-MM-DD)"),
        ({"rulebook": {"slug": "not a slug", "title": ""}, "rules": []},
         "rulebook.slug: 'not a slug' is not valid. Enter a valid “slug” consisting of letters, "
         "numbers, underscores or hyphens."),
        ({"rulebook": {"slug": "s", "title": "T", "owner": "x"}, "rules": "none"},
         "rulebook.owner: unknown key (expected one of: slug, title, description)"),
        ({"rulebook": {"slug": "s", "title": "T"}, "rules": "none"},
         "rules: expected a list, found text 'none'"),
        (["rules"], "document: expected a mapping, found a list"),
    ],
)  # fmt: skip
def test_each_kind_of_problem_is_reported_with_its_path(db, core_only, document, problem):
    assert problem in validate_document(document)
    with pytest.raises(InvalidRulebookFile):
        rulebook_import(data=document)
    assert Rulebook.objects.count() == 0


def test_an_empty_title_is_reported_as_well_as_a_bad_slug():
    errors = validate_document({"rulebook": {"slug": "not a slug", "title": ""}, "rules": []})
    assert errors[1] == "rulebook.title: must not be empty"


def test_one_misplaced_rule_does_not_make_its_sub_rules_wrong_too():
    document = minimal(
        rule("a"), rule("b"), rule("c", parent="a"), rule("d", parent="c"), rule("e", parent="a")
    )
    assert len(validate_document(document)) == 1


@pytest.mark.parametrize(
    ("text", "format", "problem"),
    [
        ("rulebook: {slug: x\nrules: []", "yaml", "line 2, column 6: "),
        ("rulebook: {slug: a, slug: b}\nrules: []", "yaml",
         "line 1, column 21: the key 'slug' appears twice"),
        ("a: &x [1]\nb: *x\n", "yaml", "line 1, column 4: this value is repeated with an alias"),
        ('{"rulebook": {"slug": "x",}}', "json", "line 1, column 27: Expecting property name"),
        ('{"rules": [], "rules": []}', "json",
         "document: the key 'rules' appears twice in one object"),
        ("", "yaml", "document: the file is empty"),
        ("- one\n- two\n", "yaml", "document: expected a mapping, found a list"),
    ],
)  # fmt: skip
def test_an_unreadable_file_is_reported_with_line_and_column(text, format, problem):
    with pytest.raises(InvalidRulebookFile) as caught:
        read_document(text, format=format)
    assert caught.value.errors[0].startswith(problem)
    assert str(caught.value) == "\n".join(caught.value.errors)


@pytest.mark.parametrize(
    ("filename", "text", "expected"),
    [
        ("book.JSON", '{"a": 1}', {"a": 1}),
        ("book.yml", "a: 1", {"a": 1}),
        (None, ' {"a": 1}', {"a": 1}),
        (None, "a: 1", {"a": 1}),
        ("book.txt", "\ufeffa: 2016-01-01", {"a": "2016-01-01"}),
    ],
)
def test_the_format_comes_from_the_file_name_or_the_text(filename, text, expected):
    assert read_document(text, filename=filename) == expected


# --- Export ------------------------------------------------------------------------------------


def test_the_full_export_is_the_imported_file(standing_orders):
    assert dump_document(rulebook_export(rulebook=standing_orders), "yaml") == STANDING_ORDERS


def test_the_export_on_a_date_is_the_rule_book_then_in_force(standing_orders):
    exported = rulebook_export(rulebook=standing_orders, at=datetime.date(2019, 6, 1))
    assert exported["rulebook"]["slug"] == "riverside-rowing"
    assert [p["key"] for p in exported["parameters"]] == ["agm_quorum", "annual_subscription"]
    assert exported["rules"] == [
        {"key": "membership", "versions": [
            {"number": "1", "heading": "Membership", "text": "", "effective_from": "2015-01-01",
             **MINUTES}]},
        {"key": "membership-eligibility", "parent": "membership", "versions": [
            {"number": "1.1", "heading": "Who may join", "text": ELIGIBILITY_2019,
             "effective_from": "2019-04-01",
             "note": "Amended by the 2019 AGM, motion 3 (proposed by Zoë Ng).", **MINUTES}]},
        {"key": "membership-subscriptions", "parent": "membership", "versions": [
            {"number": "1.2", "heading": "Subscriptions",
             "text": "The annual subscription is £45.50, payable by 1 April.",
             "effective_from": "2019-04-01", "parameters": {"annual_subscription": 45.5},
             **MINUTES}]},
        {"key": "meetings", "versions": [
            {"number": "2", "heading": "General meetings", "text": "",
             "effective_from": "2015-01-01", **MINUTES}]},
        {"key": "meetings-notice", "parent": "meetings", "versions": [
            {"number": "2.1", "heading": "Notice",
             "text": "At least 21 days' notice of a general meeting is given by e-mail.",
             "effective_from": "2019-04-01", **MINUTES}]},
        {"key": "meetings-agm", "parent": "meetings", "versions": [
            {"number": "2.2", "heading": "Annual general meeting",
             "text": "The AGM is held each March. Its quorum is 20 members.",
             "effective_from": "2019-04-01", "parameters": {"agm_quorum": 20},
             "note": "Renumbered when the rule on notice was inserted as 2.1.", **MINUTES}]},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("on", "numbers"),
    [
        ("2014-12-31", []),
        ("2016-12-31", ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]),
        ("2019-04-01", ["1", "1.1", "1.2", "2", "2.1", "2.2"]),
        ("2023-01-01", ["1", "1.1", "1.2", "1.2.1", "2", "2.1", "2.2"]),
    ],
)
def test_the_export_on_a_date_leaves_out_rules_not_in_force(standing_orders, on, numbers):
    exported = rulebook_export(rulebook=standing_orders, at=datetime.date.fromisoformat(on))
    assert [r["versions"][0]["number"] for r in exported["rules"]] == numbers


def test_the_quorum_in_force_follows_the_dates(standing_orders):
    def quorum(on):
        exported = rulebook_export(rulebook=standing_orders, at=datetime.date.fromisoformat(on))
        agm = next(r for r in exported["rules"] if r["key"] == "meetings-agm")
        return agm["versions"][0]["parameters"]["agm_quorum"]

    assert [quorum("2018-12-31"), quorum("2022-03-31"), quorum("2022-04-01")] == [20, 20, 15]


def test_a_rule_under_a_repealed_rule_hangs_under_the_nearest_rule_in_force(db):
    rulebook = rulebook_import(
        data=minimal(
            rule("a"),
            rule("b", version("1.1", "2015-01-01"), repeal("2016-01-01"), parent="a"),
            rule("c", parent="b"),
        )
    )  # fmt: skip
    exported = rulebook_export(rulebook=rulebook, at=datetime.date(2017, 1, 1))
    assert [(r["key"], r.get("parent")) for r in exported["rules"]] == [("a", None), ("c", "a")]
    assert validate_document(exported) == []


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_importing_an_export_gives_back_an_identical_export(standing_orders, format):
    original = dump_document(rulebook_export(rulebook=standing_orders), format)
    copy = read_document(original, format=format)
    copy["rulebook"]["slug"] = "riverside-rowing-copy"
    imported = rulebook_import(data=copy)
    again = rulebook_export(rulebook=imported)
    again["rulebook"]["slug"] = "riverside-rowing"
    assert dump_document(again, format) == original


def test_parameter_values_survive_the_round_trip_exactly(db):
    values = ["0.0001", "0.1", "33.3333", "45.5", "-2", "15", "9999999999.9999", "1234567.89"]
    document = minimal(
        *(rule(f"r{i}", version("1", "2015-01-01", parameters={"v": Decimal(v)}))
          for i, v in enumerate(values))
    )  # fmt: skip
    exported = rulebook_export(rulebook=rulebook_import(data=document))
    for format in ("json", "yaml"):
        read_back = read_document(dump_document(exported, format), format=format)
        read_back["rulebook"]["slug"] = f"orders-{format}"
        copy = rulebook_import(data=read_back)
        stored = ParameterValue.objects.filter(version__rule__rulebook=copy)
        assert sorted(pv.value for pv in stored) == sorted(Decimal(v) for v in values)


@pytest.mark.parametrize("size", [10, 200])
def test_export_runs_a_fixed_number_of_queries(db, core_only, django_assert_num_queries, size):
    rulebook = rulebook_import(
        data=minimal(
            *(rule(f"r{n}", version(f"{n}", "2015-01-01", parameters={"p": n}),
                   version(f"{n}", "2016-01-01"), parent=f"r{n - 1}" if n % 2 else None)
              for n in range(size))
        )
    )  # fmt: skip
    with django_assert_num_queries(4):  # rules, parameters, versions, their values
        assert len(rulebook_export(rulebook=rulebook)["rules"]) == size
    with django_assert_num_queries(4):
        assert (
            len(rulebook_export(rulebook=rulebook, at=datetime.date(2016, 1, 1))["rules"]) == size
        )


# --- Writing text ------------------------------------------------------------------------------

TEXTS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


@given(text=TEXTS, number=TEXTS)
@settings(max_examples=150, deadline=None)
def test_any_text_reads_back_exactly_from_either_format(text, number):
    document = {"rules": [{"key": "a", "versions": [{"number": number, "text": text}]}]}
    for format in ("json", "yaml"):
        assert read_document(dump_document(document, format), format=format) == document


def test_a_file_read_in_one_format_can_be_written_in_the_other():
    as_json = dump_document(read_document(STANDING_ORDERS, format="yaml"), "json")
    assert dump_document(read_document(as_json, format="json"), "yaml") == STANDING_ORDERS


def test_yaml_writes_multi_line_texts_as_blocks_and_dates_plainly():
    written = dump_document(
        {"text": "First line\nsecond — “line”", "effective_from": "2016-01-01"}, "yaml"
    )
    assert written == "text: |-\n  First line\n  second — “line”\neffective_from: 2016-01-01\n"


def test_json_is_indented_and_keeps_unicode():
    assert dump_document({"title": "Zoë", "n": [1]}, "json") == (
        '{\n  "title": "Zoë",\n  "n": [\n    1\n  ]\n}\n'
    )


# --- Sections registered by other apps ---------------------------------------------------------


@pytest.fixture
def notes_section():
    """A stand-in for the sections the proposals app registers (bodies, proposals)."""
    loaded = []

    def validate(value, context):
        errors = []
        for index, item in enumerate(value):
            path = f"notes[{index}]"
            if exchange.check_keys(item, path, errors, ("rule", "text")):
                if item.get("rule") not in context.version_dates:
                    errors.append(f"{path}.rule: there is no rule {item.get('rule')!r}")
                exchange.as_text(item.get("text"), f"{path}.text", errors, required=True)
        return errors

    def load(value, rulebook, context, by):
        loaded.extend((context.rules[item["rule"]], item["text"]) for item in value)
        return len(value)

    def dump(rulebook, at):
        return [
            {"rule": rule.key, "text": text} for rule, text in loaded if rule.rulebook == rulebook
        ]

    register_section("notes", validate=validate, load=load, dump=dump, order=10)
    yield loaded
    unregister_section("notes")


def test_a_registered_section_is_validated_loaded_and_exported(db, notes_section):
    document = minimal(rule("a"))
    document["notes"] = [{"rule": "a", "text": "Checked against the printed copy."}]
    rulebook = rulebook_import(data=document)
    assert notes_section == [(rulebook.rules.get(), "Checked against the printed copy.")]
    assert rulebook_export(rulebook=rulebook)["notes"] == document["notes"]
    assert AuditEntry.objects.get().data["sections"] == ["notes"]


def test_a_problem_in_a_registered_section_stops_the_whole_import(db, notes_section):
    document = minimal(rule("a", version("1", "2015-13-01")))
    document["notes"] = [{"rule": "b", "txt": "?"}]
    assert problems_in(dump_document(document, "json"), "json") == [
        "rules[0].versions[0].effective_from: '2015-13-01' is not a date (YYYY-MM-DD)",
        "notes[0].txt: unknown key (expected one of: rule, text)",
        "notes[0].rule: there is no rule 'b'",
        "notes[0].text: is required",
    ]
    assert (Rulebook.objects.count(), notes_section) == (0, [])


def test_a_core_section_cannot_be_registered():
    with pytest.raises(ValueError, match="core section"):
        register_section("rules", validate=None, load=None, dump=None)


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_on_a_past_date_has_the_wording_then_in_force(standing_orders):
    text = render_markdown(rulebook=standing_orders, at=datetime.date(2017, 9, 27))
    assert text.startswith(
        "# Riverside Rowing Club — Standing Orders\n\nAs in force on 27 September 2017.\n\n"
        "Adopted at the founding meeting and amended at each AGM.\n\n## 1 Membership\n\n"
        "Provenance: **Reconstructed** — source: Club minute book\n\n"
        "### 1.1 Who may join\n\n"
        "Anyone aged 16 or over who supports the club's aims may join.\\\n"
        "The committee may refuse an application only with reasons given in writing.\n\n"
        "Provenance: **As printed** — source: Standing Orders, printed edition of 2015\n\n"
    )
    assert "#### 1.2.1 Concessions\n\nStudents and the unwaged pay half the “full” rate." in text
    assert "### 2.1 Annual general meeting\n\nThe AGM is held each March. Its quorum is 20" in text
    for later in ("aged 14", "£45.50", "Notice", "2.2", "over 70", "Pending"):
        assert later not in text


def test_markdown_shows_notes_in_italics_and_paragraphs_apart(standing_orders):
    text = render_markdown(rulebook=standing_orders, at=datetime.date(2019, 4, 1))
    assert (
        '("the consent form").\n\nThe committee may refuse an application only with reasons '
        "given in writing.\n\nProvenance: **Reconstructed** — source: Club minute book\n\n"
        "*Amended by the 2019 AGM, motion 3 (proposed by Zoë Ng).*\n\n"
    ) in text
    assert "Concessions" not in text


def test_markdown_escapes_what_markdown_would_format(db):
    text_with_markup = "# not a heading\n- not a list\n1. not a list\n<b>*bold*</b> [x](y) a_b"
    rulebook = rulebook_import(
        data=minimal(
            rule("a", version("4.2", "2015-01-01", heading="Rule #", text=text_with_markup))
        )
    )
    assert render_markdown(rulebook=rulebook, at=datetime.date(2015, 1, 1)).endswith(
        "## 4.2 Rule \\#\n\n"
        "\\# not a heading\\\n\\- not a list\\\n1\\. not a list\\\n"
        "\\<b>\\*bold\\*\\</b> \\[x\\](y) a\\_b\n\n"
        "Provenance: **Reconstructed** — source: Not stated where this version was recorded.\n"
    )


def test_markdown_lists_changes_adopted_but_not_yet_in_force(db):
    today = timezone.localdate()
    later = today + datetime.timedelta(days=30)
    rulebook = rulebook_import(
        data=minimal(
            rule("a", version("1", "2015-01-01", heading="Fee"), version("1", later, heading="F")),
            rule("b", version("2", "2015-01-01"), repeal(later)),
            rule("c", version("3", later, heading="New")),
        )
    )  # fmt: skip
    text = render_markdown(rulebook=rulebook, at=today)
    assert text.endswith(
        f"---\n\n## Pending changes\n\nAdopted by {long_date(today)} but not yet in "
        f"force on that date:\n\n"
        f"- 1 F: new wording takes effect on {long_date(later)}.\n"
        f"- 2: repealed with effect from {long_date(later)}.\n"
        f"- 3 New: new rule takes effect on {long_date(later)}.\n"
    )


def test_markdown_of_a_date_before_any_rule_says_so(standing_orders):
    assert "No rules were in force on this date." in render_markdown(
        rulebook=standing_orders, at=datetime.date(2000, 1, 1)
    )


def test_markdown_headings_stop_at_level_six(db):
    chain = [rule("r0")] + [rule(f"r{n}", parent=f"r{n - 1}") for n in range(1, 7)]
    text = render_markdown(
        rulebook=rulebook_import(data=minimal(*chain)), at=datetime.date(2015, 1, 1)
    )
    assert [line.split(" ")[0] for line in text.splitlines() if line.startswith("#")] == [
        "#", "##", "###", "####", "#####", "######", "######", "######"
    ]  # fmt: skip
