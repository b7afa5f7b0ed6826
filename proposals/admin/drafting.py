"""The live diff of the drafting form: a staff-only endpoint that renders the diff of a text
being typed against the version it is drafted on.

`proposals/static/proposals/live-diff.js` posts the textarea's text here as the drafter
types (debounced) and puts the answer where the saved diff is shown; without JavaScript the
diff appears after saving, as it always has. The HTML is this server's own diff of the two
texts (`display.diff_html`, escaped by `rulebook.diff`): the browser sends text only.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from proposals.admin import display
from proposals.models import Amendment
from proposals.services.common import latest_version
from rulebook.diff import compare
from rulebook.models import Rule
from rulebook.validators import TEXT_MAX_CHARS, TextValidator

Kind = Amendment.Kind
# Who may see a preview: whoever may draft (add or change a proposal).
DRAFTING = ("proposals.add_proposal", "proposals.change_proposal")


class DiffPreviewForm(forms.Form):
    """What the script sends: the text, and what it is drafted against — a saved amendment
    (its base version), else a rule (its latest version), else nothing (a new rule)."""

    text = forms.CharField(
        required=False,
        strip=False,
        max_length=TEXT_MAX_CHARS,
        validators=[TextValidator(multiline=True, max_length=TEXT_MAX_CHARS)],
    )
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    amendment = forms.IntegerField(required=False, min_value=1)
    rule = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_amendment(self):
        pk = self.cleaned_data["amendment"]
        if pk is None:
            return None
        visible = Amendment.objects.visible_to(self.user).select_related("base_version")
        amendment = visible.filter(pk=pk).first()
        if amendment is None:
            raise forms.ValidationError(f"No amendment {pk}.")
        return amendment

    def clean_rule(self):
        pk = self.cleaned_data["rule"]
        if pk is None:
            return None
        rule = Rule.objects.filter(pk=pk).first()
        if rule is None:
            raise forms.ValidationError(f"No rule {pk}.")
        return rule

    def base_text(self) -> str:
        amendment, rule = self.cleaned_data["amendment"], self.cleaned_data["rule"]
        if amendment is not None:
            base = amendment.base_version
        elif rule is not None and self.cleaned_data["kind"] != Kind.INSERT:
            base = latest_version(rule)
        else:
            base = None
        return base.text if base is not None and not base.repealed else ""


def preview_html(form: DiffPreviewForm) -> str:
    """The diff the drafting form would show after saving, for the text as typed."""
    kind = form.cleaned_data["kind"] or Kind.AMEND
    if kind == Kind.REPEAL:
        return format_html("<p>{}</p>", "A repeal removes the whole text.")
    if kind == Kind.RENUMBER:
        return format_html("<p>{}</p>", "A renumber or move leaves the text as it is.")
    diff = compare(form.base_text(), form.cleaned_data["text"])
    stats = diff.stats
    counts = format_html(
        '<p class="rb-diff-stats">{} added, {} removed</p>',
        _words(stats.words_added),
        _words(stats.words_removed),
    )
    return format_html("{}{}", display.diff_html(diff), counts)


def _words(count: int) -> str:
    return f"{count} word" if count == 1 else f"{count} words"


class DraftingViews:
    """Mixin for ProposalAdmin: the live diff's endpoint, `…/proposal/diff-preview/`."""

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.diff_preview_view))
        ours = [path("diff-preview/", view, name="proposals_proposal_diff_preview")]
        return ours + super().get_urls()

    def diff_preview_view(self, request):
        if not any(request.user.has_perm(permission) for permission in DRAFTING):
            raise PermissionDenied
        form = DiffPreviewForm(request.POST, user=request.user)
        if not form.is_valid():
            problems = "; ".join(
                f"{name}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            )
            return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
        return HttpResponse(preview_html(form), content_type="text/html; charset=utf-8")
