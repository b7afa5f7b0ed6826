"""Atom feeds of adopted changes: the whole rule book, or one rule.

Each entry is one new rule version, newest first, with a word diff against the version it
replaced. An entry is dated when the change was adopted (its proposal's adoption, else when
the version was recorded), not when it takes effect, and says when that is: "Takes effect on
…" while pending, "In force since …" after. Two queries per feed whatever its length (see
`adopted_versions`).
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from proposals.models import Amendment
from rulebook.diff import DiffInputTooLarge, compare
from rulebook.models import Rule, Rulebook
from rulebook.selectors import adopted_versions

LIMIT = 50


def _adopted_on():
    """The day the adoption that produced a version was recorded (None: typed in directly)."""
    amendment = Amendment.objects.filter(produced_version=OuterRef("pk"))
    return Subquery(amendment.values("proposal__adopted_on")[:1])


class RulebookChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, rulebook):
        book = Rulebook.objects.filter(slug=rulebook).first()
        if book is None:
            raise Http404(f"There is no rule book called {rulebook!r}.")
        return book

    def title(self, obj):
        return f"{obj.title}: adopted changes"

    def subtitle(self, obj):
        return f"New versions of rules in {obj.title}, newest first."

    def link(self, obj):
        return reverse("web:changes", kwargs={"rulebook": obj.slug})

    def items(self, obj):
        return adopted_versions(rulebook=obj, limit=LIMIT, adopted_on=_adopted_on())

    def item_title(self, item):
        when = _when(item)
        when = when[0].lower() + when[1:]  # "takes effect on 27 September 2026"
        if item.repealed:
            named = f"{item.previous_number or ''} {item.previous_heading or ''}".strip()
            return f"{named or 'A rule'}: repealed, {when}"
        words = f"{item.number} {item.heading}".strip()
        return f"{words} — version {item.seq}, {when}"

    def item_description(self, item):
        return self._change(item) + _provenance(item)

    def _change(self, item) -> str:
        when = f"<p>{_when(item)}.</p>"
        if item.repealed:
            return f"<p>The rule is repealed.</p>{when}"
        if item.seq == 1:
            return f"<p>New rule.</p>{when}<p>{escape(item.text)}</p>"
        try:
            diff = compare(item.previous_text or "", item.text)
        except DiffInputTooLarge:
            return f"{when}<p>{escape(item.text)}</p>"
        counts = render_to_string("web/_word_counts.html", {"stats": diff.stats}).strip()
        return f"<p>{counts}.</p>{when}<p>{diff.html}</p>"

    def item_link(self, item):
        return reverse(
            "web:version",
            kwargs={"rulebook": item.rule.rulebook.slug, "key": item.rule.key, "seq": item.seq},
        )

    def item_guid(self, item):
        return f"rule-version:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return _adopted_at(item)

    def item_updateddate(self, item):
        """When the entry last changed: its adoption, or the day it took effect (from then on
        it says "In force since")."""
        if _in_force(item):
            return max(_adopted_at(item), _as_datetime(item.effective_from))
        return _adopted_at(item)


def _rule_name(rule: Rule) -> str:
    named = str(rule)  # number and heading (`with_current_wording`)
    return "a rule with no numbered version" if named == rule.key else f"rule {named}"


def _in_force(item) -> bool:
    return item.effective_from <= timezone.localdate()


def _when(item) -> str:
    day = f"{item.effective_from:%-d %B %Y}"
    return f"In force since {day}" if _in_force(item) else f"Takes effect on {day}"


def _adopted_at(item) -> datetime.datetime:
    """When the change was adopted: the day its proposal's adoption was recorded; for a
    version typed in directly, when it was recorded — or, for history entered after the
    fact, the day it took effect, by which it had certainly been adopted."""
    if item.adopted_on is not None:
        return _as_datetime(item.adopted_on)
    return min(item.created_at, _as_datetime(item.effective_from))


def _provenance(item) -> str:
    """The version's provenance badge, as on the pages (web/_provenance.html)."""
    context = {"version": item, "rulebook": item.rule.rulebook}
    return f"<p>Wording: {render_to_string('web/_provenance.html', context)}</p>"


def _as_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class RuleChangesFeed(RulebookChangesFeed):
    def get_object(self, request, rulebook, key):
        # One query: the rule with its book and the words it is known by today.
        rule = (
            Rule.objects.select_related("rulebook")
            .with_current_wording()
            .filter(rulebook__slug=rulebook, key=key[:100])
            .first()
        )
        if rule is None:
            raise Http404(f"There is no rule {key[:100]!r} in the rule book {rulebook!r}.")
        return rule

    def title(self, obj: Rule):
        return f"{obj.rulebook.title}: changes to {_rule_name(obj)}"

    def subtitle(self, obj: Rule):
        return f"Every version of {_rule_name(obj)}, newest first."

    def link(self, obj: Rule):
        return obj.get_absolute_url()

    def items(self, obj: Rule):
        return adopted_versions(
            rulebook=obj.rulebook, rule=obj, limit=LIMIT, adopted_on=_adopted_on()
        )
