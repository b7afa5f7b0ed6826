"""Migration rulebook 0009 recognises the references in versions recorded before it, as
`references_refresh` does for later ones."""

import datetime

from tests.test_provenance_migration import migrate

BEFORE = [("rulebook", "0008_quantities_and_events")]


def test_existing_versions_get_their_references(transactional_db):
    try:
        old = migrate(BEFORE)
        Rulebook = old.get_model("rulebook", "Rulebook")
        Rule = old.get_model("rulebook", "Rule")
        RuleVersion = old.get_model("rulebook", "RuleVersion")
        book = Rulebook.objects.create(slug="old", title="Old")
        one = Rule.objects.create(rulebook=book, key="one", position=1)
        two = Rule.objects.create(rulebook=book, key="two", position=2)
        day = datetime.date(2016, 1, 1)
        kept = {"provenance": "reconstructed", "source": "Test", "position": "a"}
        RuleVersion.objects.create(
            rule=one, seq=1, number="3.I", text="Members.", effective_from=day, **kept
        )
        RuleVersion.objects.create(
            rule=two, seq=1, number="3.II", text="Under Clause I and 3.IX.", effective_from=day,
            **kept,
        )  # fmt: skip
        new = migrate()
        Reference = new.get_model("rulebook", "Reference")
        found = list(Reference.objects.values_list("version__rule__key", "target__key", "number"))
        # "Clause I" within chapter 3 is 3.I; 3.IX was never a number: left as text.
        assert found == [("two", "one", "3.I")]
    finally:
        migrate()
