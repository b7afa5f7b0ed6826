"""The workflow buttons of the proposal page: submit, record a vote, adopt, rebase, withdraw,
remit, and void a wrongly recorded vote.

Each is a small admin view: check the permission, show a form, call the one service that
does the work, and report what it did (or why it refused) as a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from proposals.admin import display, rebase
from proposals.forms import (
    FORM_NAMES,
    SECTIONS_INITIAL,
    AdoptForm,
    ConfirmForm,
    ResolveForm,
    SectionFormSet,
    SubmitForm,
    VoteForm,
    error_dict,
    filled_sections,
    readable,
)
from proposals.models import Amendment, Proposal, Vote
from proposals.services import (
    StaleAmendments,
    amendment_resolve_conflict,
    proposal_adopt,
    proposal_rebase,
    proposal_remit,
    proposal_submit,
    proposal_withdraw,
    vote_record,
    vote_void,
)

Action = Proposal.Action
CHANGE, VOTE, ADOPT = "proposals.change_proposal", "proposals.add_vote", "proposals.adopt_proposal"
VOID = "proposals.void_vote"

# The workflow pages, in button order, with the permission each needs. Whether a button
# shows for a proposal is the workflow's to say (`Proposal.allows`).
ACTIONS = [
    (Action.SUBMIT, CHANGE),
    (Action.VOTE, VOTE),
    (Action.ADOPT, ADOPT),
    (Action.REBASE, CHANGE),
    (Action.WITHDRAW, CHANGE),
    (Action.REMIT, CHANGE),
]


def _posted(request):
    """The POST data to bind a form to (even when empty: a bare button press), or None."""
    return request.POST if request.method == "POST" else None


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


class VoidForm(forms.Form):
    """Which of the proposal's votes that count to void, and why (`vote_void`)."""

    vote = forms.ModelChoiceField(
        queryset=Vote.objects.none(),
        help_text="A voided vote stays on the record, marked voided, and no longer counts.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the vote was wrongly recorded; shown on the public proposal page.",
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        votes = proposal.votes.counted().select_related("body").order_by("held_on", "id")
        self.fields["vote"].queryset = votes


class WorkflowViews:
    """Mixin for ProposalAdmin adding one page per workflow step."""

    def get_urls(self):
        ours = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(getattr(self, f"{name}_view")),
                name=f"proposals_proposal_{name}",
            )
            for name in [*(action for action, _ in ACTIONS), "void"]
        ]
        return ours + super().get_urls()

    def workflow_context(self, request, proposal: Proposal | None) -> dict:
        """The buttons the change page shows, given the proposal's status and the user."""
        if proposal is None:
            return {}
        superuser = request.user.is_superuser
        buttons = []
        for action, permission in ACTIONS:
            shown = proposal.allows(action)
            if action == Action.ADOPT and superuser:  # with a note: see proposal_adopt
                shown = shown or proposal.allows(action, with_note=True)
            if action == Action.REBASE:
                shown = shown and self._needs_rebase(proposal)
            if shown and request.user.has_perm(permission):
                buttons.append({"label": action.label, "url": self._url(action, proposal)})
        if self._voidable(proposal) and request.user.has_perm(VOID):
            buttons.append({"label": "Void a vote", "url": self._url("void", proposal)})
        return {"workflow_buttons": buttons}

    @staticmethod
    def _voidable(proposal) -> bool:
        """Whether the page offers to void a vote: one counts, and the proposal is not adopted
        (`vote_void` refuses then, and says why)."""
        adopted = proposal.status == Proposal.Status.ADOPTED
        return not adopted and proposal.votes.counted().exists()

    @staticmethod
    def _needs_rebase(proposal) -> bool:
        stale = Amendment.objects.stale().values("pk")
        return proposal.amendments.filter(Q(conflict=True) | Q(pk__in=stale)).exists()

    # --- the views ----------------------------------------------------------------------

    def submit_view(self, request, object_id):
        proposal = self._proposal(request, object_id, CHANGE)
        form = SubmitForm(_posted(request))
        if request.method == "POST" and form.is_valid():
            done = self._call(
                request,
                [form],
                proposal_submit,
                proposal=proposal,
                by=request.user,
                submitted_on=form.cleaned_data["submitted_on"],
            )
            if done:
                on = long_date(done.submitted_on)
                return self._done(request, proposal, f"Submitted {proposal.reference} on {on}.")
        return self._render(request, proposal, "Submit", form=form, amendments=True)

    def withdraw_view(self, request, object_id):
        return self._confirmed_step(request, object_id, proposal_withdraw, "Withdraw", "Withdrew")

    def remit_view(self, request, object_id):
        return self._confirmed_step(request, object_id, proposal_remit, "Remit", "Remitted")

    def _confirmed_step(self, request, object_id, service, title: str, done: str):
        """A step that takes no input: the button pressed on its page confirms it."""
        proposal = self._proposal(request, object_id, CHANGE)
        form = ConfirmForm(_posted(request))
        posted = request.method == "POST"
        if posted and self._call(request, [form], service, proposal=proposal, by=request.user):
            return self._done(request, proposal, f"{done} {proposal.reference}.")
        return self._render(request, proposal, title, form=form)

    def vote_view(self, request, object_id):
        proposal = self._proposal(request, object_id, VOTE)
        data = _posted(request)
        form = VoteForm(data, proposal=proposal)
        sections = SectionFormSet(
            data,
            prefix="sections",
            initial=SECTIONS_INITIAL,
            form_kwargs={"empty_permitted": True},
        )
        if data is not None and form.is_valid() and sections.is_valid():
            kwargs = form.service_kwargs(filled_sections(sections))
            vote = self._call(
                request, [form], vote_record, proposal=proposal, by=request.user, **kwargs
            )
            if vote:
                text = (
                    f"Recorded the {vote.get_stage_display().lower()} vote of {vote.body.name} "
                    f"on {long_date(vote.held_on)}: {vote.result}."
                )
                if vote.stage == vote.Stage.DECISION:
                    text += f" Proposal {proposal.reference} is now {proposal.status}."
                return self._done(request, proposal, text)
        return self._render(request, proposal, "Record a vote", form=form, sections=sections)

    def void_view(self, request, object_id):
        proposal = self._proposal(request, object_id, VOID)
        initial = {"vote": request.GET.get("vote")}
        form = VoidForm(_posted(request), proposal=proposal, initial=initial)
        if request.method == "POST" and form.is_valid():
            before = proposal.status
            vote = self._call(
                request,
                [form],
                vote_void,
                vote=form.cleaned_data["vote"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            if vote:
                text = (
                    f"Voided the {vote.get_stage_display().lower()} vote of {vote.body.name} on "
                    f"{long_date(vote.held_on)}: it stays on the record and no longer counts."
                )
                if vote.proposal.status != before:
                    text += f" Proposal {proposal.reference} is now {vote.proposal.status}."
                return self._done(request, proposal, text)
        return self._render(request, proposal, "Void a vote", form=form)

    def adopt_view(self, request, object_id):
        proposal = self._proposal(request, object_id, ADOPT)
        form = AdoptForm(_posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                versions = self._call(
                    request,
                    [form],
                    proposal_adopt,
                    proposal=proposal,
                    by=request.user,
                    effective_from=form.cleaned_data["effective_from"],
                    note=form.cleaned_data["note"],
                )
            except StaleAmendments as stale:
                versions = None
                rebase_url = self._url(Action.REBASE, proposal)
                messages.error(request, _stale_message(stale, rebase_url))
            if versions:
                created = ", ".join(f"{v.name} version {v.seq}" for v in versions)
                start = long_date(versions[0].effective_from)
                text = f"Adopted {proposal.reference}: created {created} from {start}."
                return self._done(request, proposal, text)
        return self._render(request, proposal, "Adopt", form=form, amendments=True)

    def rebase_view(self, request, object_id):
        proposal = self._proposal(request, object_id, CHANGE)
        resolving = None
        if request.method == "POST" and "_resolve" in request.POST:
            resolving = ResolveForm(request.POST, prefix=f"resolve-{request.POST['_resolve']}")
            if resolving.is_valid() and self._resolve(request, proposal, resolving):
                return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            results = self._call(request, [], proposal_rebase, proposal=proposal, by=request.user)
            if results is not None:
                self._report_rebase(request, proposal, results)
                return HttpResponseRedirect(request.path)
        return self._render(request, proposal, "Rebase", amendments=True, resolving=resolving)

    # --- helpers ------------------------------------------------------------------------

    def _proposal(self, request, object_id, permission) -> Proposal:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            raise Http404(f"No proposal with id {object_id!r}.")
        return proposal

    @staticmethod
    def _call(request, forms, service, **kwargs):
        """Run the service; its refusal goes on the form field it names, or into a message."""
        try:
            return service(**kwargs)
        except ValidationError as error:
            for field, messages_ in error_dict(error).items():
                name = FORM_NAMES.get(field, field)
                target = next((f for f in forms if name in f.fields), None)
                if target is not None:
                    target.add_error(name, messages_)
                    continue
                for message in messages_:
                    plain = field in (NON_FIELD_ERRORS, "status")
                    messages.error(request, message if plain else f"{readable(field)}: {message}")
            return None

    def _resolve(self, request, proposal, form) -> bool:
        amendment = proposal.amendments.filter(pk=form.cleaned_data["amendment"]).first()
        if amendment is None:
            raise Http404("No such amendment in this proposal.")
        result = self._call(
            request,
            [form],
            amendment_resolve_conflict,
            amendment=amendment,
            text=form.cleaned_data["text"],
            by=request.user,
        )
        if result is None:
            return False
        now = amendment.rule.versions.get(seq=result.base_version)
        messages.success(request, f"Resolved the conflict in {now.name}: now version {now.seq}.")
        return True

    @staticmethod
    def _report_rebase(request, proposal, results) -> None:
        keys = dict(proposal.amendments.values_list("pk", "rule__key"))
        changed = [r for r in results if r.outcome != "unchanged"]
        if not changed:
            messages.info(request, "Nothing to rebase: every amendment is on the latest version.")
        for result in changed:
            key = keys[result.id]
            if result.conflict:
                messages.warning(
                    request,
                    f"The change to {key} conflicts with the rule's latest version; resolve "
                    "it below. Adoption is blocked until then.",
                )
            else:
                messages.success(
                    request, f"The change to {key} merged cleanly onto v{result.base_version}."
                )

    def _url(self, name, proposal) -> str:
        return reverse(f"admin:proposals_proposal_{name}", args=[proposal.pk])

    def _done(self, request, proposal, message):
        messages.success(request, message)
        return HttpResponseRedirect(reverse("admin:proposals_proposal_change", args=[proposal.pk]))

    def _render(self, request, proposal, title, *, amendments=False, resolving=None, **context):
        rows = self._amendment_rows(proposal, resolving) if amendments else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{title}: {proposal.reference}",
            "action": title,
            "proposal": proposal,
            "original": proposal,
            "change_url": reverse("admin:proposals_proposal_change", args=[proposal.pk]),
            "amendment_rows": rows,
            "refusal": self._refusal(request, proposal, title),
            **context,
        }
        template = "rebase" if title == "Rebase" else "workflow"
        return TemplateResponse(request, f"admin/proposals/proposal/{template}.html", context)

    @staticmethod
    def _amendment_rows(proposal, resolving) -> list[dict]:
        amendments = list(
            proposal.amendments.with_staleness()
            .select_related("rule", "base_version", "produced_version", "conflict_version")
            .order_by("order")
        )
        current = rebase.current_versions(amendments)
        return [
            {
                "amendment": amendment,
                "state": display.amendment_state(amendment),
                "diff": display.amendment_diff(amendment),
                "against_current": rebase.against_current(
                    amendment, current.get(amendment.rule_id)
                ),
                "conflict": rebase.conflict_panel(amendment, resolving),
            }
            for amendment in amendments
        ]

    def _refusal(self, request, proposal, title) -> str:
        """Why the step's button is not offered (the workflow's own words), or ""."""
        action = next((a for a, _ in ACTIONS if a.label == title), None)
        if action is None:
            return "" if title != "Void a vote" or self._voidable(proposal) else _NO_VOID
        with_note = action == Action.ADOPT and request.user.is_superuser
        if proposal.allows(action) or (with_note and proposal.allows(action, with_note=True)):
            return ""
        try:
            proposal.require(action, with_note=with_note)
        except ValidationError as refused:
            return " ".join(refused.messages)
        return ""


_NO_VOID = "No vote of this proposal counts, or it is adopted: there is nothing to void."


def _stale_message(stale: StaleAmendments, rebase_url: str) -> str:
    described = ", ".join(a.stale_reason() for a in stale.amendments)
    return format_html(
        "Not adopted; nothing was applied. These amendments are stale: {}. "
        '<a href="{}">Rebase them</a>, check the result, then adopt.',
        described,
        rebase_url,
    )
