"""Provenance and placement on every rule version (issue 9).

- `provenance` (printed | reconstructed | adopted) and `source`: existing versions take them
  from their note (`provenance_from_note`: "as printed" means printed, else reconstructed; the
  source is the note's "Source: …" sentence). Versions that an adopted amendment produced are
  set to "recorded at adoption" by proposals migration 0004, which can see amendments.
- `parent` and `position`: where the rule sat while the version was in force. Earlier moves
  were not recorded before this migration, so every existing version gets its rule's current
  placement: the parent it has now and a sibling key in today's document order.

Filling the new columns in is an UPDATE of history, which the database otherwise refuses: the
row guard is lifted for this migration's transaction only (see `_history_guards`).
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

from rulebook.migrations import _history_guards
from rulebook.models import provenance_from_note
from rulebook.placement import keys_in_order


def lift(apps, schema_editor):
    _history_guards.lift(schema_editor)


def restore(apps, schema_editor):
    _history_guards.restore(schema_editor)


def fill(apps, schema_editor):
    Rule = apps.get_model("rulebook", "Rule")
    RuleVersion = apps.get_model("rulebook", "RuleVersion")
    siblings = defaultdict(list)
    for rule_id, parent_id in Rule.objects.order_by("position").values_list("pk", "parent_id"):
        siblings[parent_id].append(rule_id)
    placement = {}
    for parent_id, rule_ids in siblings.items():
        for rule_id, key in zip(rule_ids, keys_in_order(len(rule_ids)), strict=True):
            placement[rule_id] = (parent_id, key)
    for version in RuleVersion.objects.only("pk", "rule_id", "note").iterator():
        provenance, source = provenance_from_note(version.note)
        parent_id, key = placement[version.rule_id]
        RuleVersion.objects.filter(pk=version.pk).update(
            provenance=provenance, source=source, parent_id=parent_id, position=key
        )


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0004_audit_entries_find_their_record")]

    operations = [
        migrations.RunPython(lift, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="ruleversion",
            name="provenance",
            field=models.CharField(
                choices=[
                    ("printed", "As printed"),
                    ("reconstructed", "Reconstructed"),
                    ("adopted", "Recorded at adoption"),
                ],
                default="reconstructed",
                help_text="As printed: checked against the printed edition named in the source. "
                "Reconstructed: rebuilt from the source named. Recorded at adoption: made by the "
                "tracker from an adopted amendment.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ruleversion",
            name="source",
            field=models.TextField(
                blank=True,
                help_text="The edition or source of the wording, e.g. 'Labour Party Rule Book "
                "2016'; for a version recorded at adoption, the proposal and its adoption date.",
            ),
        ),
        migrations.AddField(
            model_name="ruleversion",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                help_text="The rule this one sat under while this version was in force; empty "
                "for a chapter.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rulebook.rule",
            ),
        ),
        migrations.AddField(
            model_name="ruleversion",
            name="position",
            field=models.CharField(
                default="",
                help_text="Sort key among the parent's children while this version was in "
                "force (see rulebook.placement): the document order on a date is read from it.",
                max_length=200,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="ruleversion",
            constraint=models.CheckConstraint(
                condition=models.Q(provenance__in=["printed", "reconstructed", "adopted"]),
                name="rulebook_version_provenance_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="ruleversion",
            constraint=models.CheckConstraint(
                condition=models.Q(provenance="adopted") | ~models.Q(source=""),
                name="rulebook_version_source_required",
                violation_error_message="A version as printed or reconstructed needs its source.",
            ),
        ),
        # Last: on SQLite every operation above rebuilt the table, dropping its triggers.
        migrations.RunPython(restore, migrations.RunPython.noop, elidable=False),
    ]
