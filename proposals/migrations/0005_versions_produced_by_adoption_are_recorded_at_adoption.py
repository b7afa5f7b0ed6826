"""Versions an adopted amendment produced are "recorded at adoption" (issue 9).

Rulebook migration 0004 gave every existing version a provenance from its note; the ones a
proposal's adoption produced are set here, where amendments can be seen, with the proposal and
its adoption date as their source — unless their note says the wording is reconstructed or as
printed (a historical record entered through a proposal, as in the demo), which stays so.
"""

import re

from django.db import migrations

from rulebook.migrations import _history_guards

STATED = re.compile(r"\breconstructed\b|\bas printed\b", re.IGNORECASE)


def forward(apps, schema_editor):
    Amendment = apps.get_model("proposals", "Amendment")
    RuleVersion = apps.get_model("rulebook", "RuleVersion")
    produced = Amendment.objects.filter(produced_version__isnull=False).select_related(
        "proposal", "produced_version"
    )
    _history_guards.lift(schema_editor)
    for amendment in produced.iterator():
        version, proposal = amendment.produced_version, amendment.proposal
        if STATED.search(version.note or ""):
            continue
        adopted_on = proposal.adopted_on or version.created_at.date()
        source = f"{proposal.reference} {proposal.title}, adopted {adopted_on.isoformat()}"
        RuleVersion.objects.filter(pk=version.pk).update(provenance="adopted", source=source)
    _history_guards.restore(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_votes_can_be_voided"),
        ("rulebook", "0005_version_provenance_and_placement"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
