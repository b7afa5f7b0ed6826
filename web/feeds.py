"""Atom feeds of adopted changes: the whole rule book, or one rule.

Each entry is one new rule version, newest first, with a word diff against the version it
replaced. Two queries per feed whatever its length (see `adopted_versions`).
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from rulebook.diff import DiffInputTooLarge, compare
from rulebook.models import Rule, Rulebook
from rulebook.selectors import adopted_versions
from web.views.common import NotFound, rule_or_404

LIMIT = 50


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
        return adopted_versions(rulebook=obj, limit=LIMIT)

    def item_title(self, item):
        if item.repealed:
            return f"{item.previous_number or item.rule.key} repealed"
        words = f"{item.number} {item.heading}".strip()
        return f"{words} — version {item.seq}, in force from {item.effective_from:%-d %B %Y}"

    def item_description(self, item):
        return self._change(item) + _provenance(item)

    def _change(self, item) -> str:
        if item.repealed:
            return f"<p>Repealed with effect from {item.effective_from:%-d %B %Y}.</p>"
        if item.seq == 1:
            return f"<p>New rule.</p><p>{escape(item.text)}</p>"
        try:
            diff = compare(item.previous_text or "", item.text)
        except DiffInputTooLarge:
            return f"<p>{escape(item.text)}</p>"
        stats = diff.stats
        return (
            f"<p>{stats.words_added} words added, {stats.words_removed} removed.</p>"
            f"<p>{diff.html}</p>"
        )

    def item_link(self, item):
        return reverse(
            "web:version",
            kwargs={"rulebook": item.rule.rulebook.slug, "key": item.rule.key, "seq": item.seq},
        )

    def item_guid(self, item):
        return f"rule-version:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return _as_datetime(item.effective_from)

    def item_updateddate(self, item):
        return max(item.created_at, _as_datetime(item.effective_from))


def _provenance(item) -> str:
    """The version's provenance badge, as on the pages (web/_provenance.html)."""
    context = {"version": item, "rulebook": item.rule.rulebook}
    return f"<p>Wording: {render_to_string('web/_provenance.html', context)}</p>"


def _as_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class RuleChangesFeed(RulebookChangesFeed):
    def get_object(self, request, rulebook, key):
        try:
            return rule_or_404(rulebook, key)
        except NotFound as exc:
            raise Http404(str(exc)) from None

    def title(self, obj: Rule):
        return f"{obj.rulebook.title}: changes to rule {obj.key}"

    def subtitle(self, obj: Rule):
        return f"Every version of rule {obj.key}, newest first."

    def link(self, obj: Rule):
        return obj.get_absolute_url()

    def items(self, obj: Rule):
        return adopted_versions(rulebook=obj.rulebook, rule=obj, limit=LIMIT)
