"""Cross-references on member pages: a version's text with the rules it cites linked, and
the rules whose texts cite a rule ("cited by"). Recognition and resolution are
`rulebook.references` (pure) and `rulebook.services.references_refresh` (stored)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from rulebook.models import Reference, Rule, RuleVersion


def linked_text(
    version: RuleVersion, *, on: datetime.date | None = None, today: datetime.date | None = None
) -> SafeString:
    """The version's text as paragraphs (like the `linebreaks` filter), every recognised
    reference a link to the rule it meant (on `on`, when that is not today). One query.
    Everything from the text is escaped; only the links are markup."""
    text = version.text
    mentions = Reference.objects.filter(version=version).select_related("target__rulebook")
    query = "" if on is None or on == today else "?" + urlencode({"at": on.isoformat()})
    parts, at = [], 0
    for ref in mentions.order_by("start"):
        if ref.start < at or ref.end > len(text):
            continue  # never overlaps (unique per place, recognised without overlaps)
        url = reverse("web:rule", args=[ref.target.rulebook.slug, ref.target.key]) + query
        parts.append(escape(text[at : ref.start]))
        parts.append(
            f'<a class="xref" href="{escape(url)}" title="{escape("Rule " + ref.number)}">'
            f"{escape(text[ref.start : ref.end])}</a>"
        )
        at = ref.end
    parts.append(escape(text[at:]))
    return mark_safe(linebreaks("".join(parts), autoescape=False))


def cited_by(rule: Rule, *, on: datetime.date) -> list[Reference]:
    """The references to `rule` in other rules' versions in force on `on`. One query."""
    return list(Reference.objects.citing(rule, on=on))
