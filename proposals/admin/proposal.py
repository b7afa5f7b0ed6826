"""The proposal page: a draft with its amendments inline, saved through the services.

Django's admin runs it as usual: the forms check the input, with the services' own checks
(`proposals.forms`, `AmendmentFormSet.clean`), then `save_model` calls `proposal_create` or
`proposal_update` and the inline formset saves each amendment with `amendment_add`,
`amendment_update` or `amendment_remove`, all in the admin's one transaction.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from proposals.admin import display
from proposals.admin.drafting import DraftingViews
from proposals.admin.parameter_fields import AmendmentAdminForm
from proposals.admin.workflow import WorkflowViews
from proposals.checks import admissibility_warnings
from proposals.forms import (
    PROPOSAL_FIELDS,
    AmendmentFormSet,
    ProposalForm,
)
from proposals.models import Amendment, Proposal, RollCallEntry, Vote
from proposals.services import proposal_create, proposal_update
from rulebook.admin import ReadOnlyMixin
from rulebook.models import AuditEntry

DRAFT = Proposal.Status.DRAFT
WORKFLOW_FIELDS = ["status", "submitted_on", "adopted_on", "adoption_note"]


def _editable(obj) -> bool:
    return obj is None or obj.status == DRAFT


class StaleFilter(admin.SimpleListFilter):
    title = "stale amendments"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", "Has a stale amendment"), ("no", "Up to date")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.exclude(pk__in=Proposal.objects.stale().values("pk"))
        return queryset


class AmendmentInline(admin.StackedInline):
    model = Amendment
    form = AmendmentAdminForm  # AmendmentForm, parameters as labelled inputs
    formset = AmendmentFormSet
    extra = 1
    autocomplete_fields = ["rule", "parent", "after"]
    readonly_fields = ["base_version", "state", "proposed_change", "conflict_details"]
    fieldsets = [
        (None, {"fields": ["kind", "rule", "base_version", "state"]}),
        ("Proposed wording", {"fields": ["number", "heading", "text", "parameters"]}),
        (
            "Insert a new rule, or move one",
            {
                "fields": ["new_key", "parent", "after"],
                "classes": ["collapse"],
                "description": "For an insert: the new rule's key and where it goes. For a "
                "move: where the rule goes. Empty otherwise.",
            },
        ),
        ("Against the base version", {"fields": ["proposed_change", "conflict_details"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_staleness()
            .select_related(
                "rule", "base_version", "parent", "after", "produced_version", "conflict_version"
            )
        )

    @admin.display(description="state")
    def state(self, obj):
        return display.amendment_state(obj)

    @admin.display(description="proposed change")
    def proposed_change(self, obj):
        return display.amendment_diff(obj)

    @admin.display(description="rebase conflict")
    def conflict_details(self, obj):
        return display.conflict_details(obj)

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


class VoteInline(ReadOnlyMixin, admin.TabularInline):
    """Votes are recorded with the "Record a vote" button, never edited."""

    model = Vote
    fields = ["body", "held_on", "stage", "method", "majority", "figures", "result", "note"]
    fields += ["voided"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "votes (recorded with the “Record a vote” button)"

    def get_queryset(self, request):
        roll_call = RollCallEntry.objects.select_related("membership")
        return (
            super()
            .get_queryset(request)
            .select_related("body", "voided_by")
            .prefetch_related("sections", Prefetch("roll_call", queryset=roll_call))
        )

    @admin.display(description="voided")
    def voided(self, obj):
        if obj.voided_at is None:
            return ""
        on, by = timezone.localdate(obj.voided_at), obj.voided_by.get_username()
        return f"Voided on {on.isoformat()} by {by}: {obj.void_reason}"

    @admin.display(description="figures")
    def figures(self, obj):
        return display.vote_figures(obj)


class HistoryInline(ReadOnlyMixin, GenericTabularInline):
    """The proposal's audit trail, oldest first: shown to whoever may view audit entries."""

    model = AuditEntry
    ct_field, ct_fk_field = "object_type", "object_id"
    fields = ["at", "actor", "action", "what_changed"]
    readonly_fields = fields
    extra = 0
    verbose_name = "entry"
    verbose_name_plural = "History of this record"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("at", "id")

    @admin.display(description="what changed")
    def what_changed(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.lines()))


@admin.register(Proposal)
class ProposalAdmin(WorkflowViews, DraftingViews, admin.ModelAdmin):
    form = ProposalForm
    list_display = ["reference", "title", "proposer", "conference_year", "status", "stale"]
    list_filter = ["status", "conference_year", "rulebook", StaleFilter]
    search_fields = ["reference", "title", "proposer", "amendments__rule__key"]
    inlines = [AmendmentInline, VoteInline, HistoryInline]
    actions = None
    fieldsets = [
        (None, {"fields": ["rulebook", *PROPOSAL_FIELDS]}),
        (
            "Workflow",
            {
                "fields": WORKFLOW_FIELDS,
                "description": "Changed only by the buttons above: submit, record a vote, "
                "adopt, rebase, withdraw.",
            },
        ),
    ]

    def get_queryset(self, request):
        stale = Amendment.objects.stale().filter(proposal=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_stale=Exists(stale))

    @admin.display(description="stale", ordering="has_stale")
    def stale(self, obj):
        return display.badge("stale", "stale") if obj.has_stale else ""

    def get_readonly_fields(self, request, obj=None):
        return WORKFLOW_FIELDS if obj is None else ["rulebook", *WORKFLOW_FIELDS]

    def has_change_permission(self, request, obj=None):
        # Only a draft is edited; past that, the page shows the record and the workflow
        # buttons (which check their own permissions).
        return _editable(obj) and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        rulebooks = self.form.base_fields["rulebook"].queryset
        if "rulebook" not in initial and rulebooks.count() == 1:
            initial["rulebook"] = rulebooks.get().pk
        return initial

    def has_delete_permission(self, request, obj=None):
        return False  # a proposal is withdrawn, never deleted: it is part of the record

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AmendmentInline):
            kwargs["by"] = request.user  # the amendment services audit who saved
        return kwargs

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id)) if object_id else None
        if proposal is not None and request.method == "GET":
            for warning in admissibility_warnings(proposal):
                messages.warning(request, warning.message)
        extra_context = {**(extra_context or {}), **self.workflow_context(request, proposal)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # The forms ran the services' checks, so a service refuses here only when the
            # draft changed between the check and the save (a submission, another save).
            # The admin's transaction rolled everything back: say so, and show the page anew.
            for message in refused.messages:
                messages.error(request, f"Nothing was saved: {message}")
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Save the proposal's own fields through its service; the inline formset then saves
        the amendments (`AmendmentFormSet.save_new`, …)."""
        cleaned = form.cleaned_data
        if change:
            fields = {name: cleaned[name] for name in form.changed_data}
            if fields:
                proposal_update(proposal=obj, by=request.user, **fields)
            return
        created = proposal_create(
            rulebook=cleaned["rulebook"],
            **{name: cleaned[name] for name in PROPOSAL_FIELDS},
            by=request.user,
        )
        # The admin goes on with its own instance (the amendments, the log, the redirect).
        obj.pk = created.pk
        obj.refresh_from_db()
