"""The changes between two dates as members read them: each step of a rule's story with the
proposal behind it. `rulebook.story` finds the steps; the proposals are `proposals`', so they
meet here, in the layer that may import both."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from proposals.models import Amendment


def attach_step_proposals(stories) -> None:
    """For each step of the stories (`rulebook.story.Story.steps`), the proposal whose
    amendment produced it: `step.proposal`, None for a version typed in directly. Two queries
    however many steps (none for no steps): amendments, proposals. Adopted proposals only
    ever produce versions, so no draft is shown."""
    steps = [step for story in stories for step in story.steps]
    if not steps:
        return
    amendments = Amendment.objects.select_related("proposal")
    prefetch_related_objects(steps, Prefetch("amendment", queryset=amendments))
    for step in steps:
        try:
            step.proposal = step.amendment.proposal
        except Amendment.DoesNotExist:
            step.proposal = None
