"""The proposal page: a draft with its amendments inline, saved through the services.

Django's admin validates the forms, then calls `save_model` and `save_related`; here those
call `proposal_create`, `proposal_update` and `amendment_add/update/remove` instead of saving
rows. A service may still refuse (a duplicate reference, an amendment that changes nothing):
the admin's transaction is rolled back and the same POST is shown again with the service's
messages on the fields they name (`changeform_view`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef, Prefetch

from proposals.admin import display
from proposals.admin.workflow import WorkflowViews
from proposals.checks import admissibility_warnings
from proposals.forms import (
    PROPOSAL_FIELDS,
    AmendmentForm,
    AmendmentFormSet,
    ProposalForm,
    error_dict,
)
from proposals.models import Amendment, Proposal, RollCallEntry, Vote
from proposals.services import (
    amendment_add,
    amendment_remove,
    amendment_update,
    proposal_create,
    proposal_update,
)
from rulebook.admin import ReadOnlyMixin

DRAFT = Proposal.Status.DRAFT
WORKFLOW_FIELDS = ["status", "submitted_on", "adopted_on", "adoption_note"]
_AMENDMENT_KEY = "amendments["  # how proposal_create names an amendment's field: amendments[2].text


class RefusedByService(Exception):
    """A service refused the save; carries its messages for the proposal form and, by form
    index, for the amendment forms."""

    def __init__(self, proposal=None, amendments=None):
        super().__init__("refused by a service")
        self.proposal = proposal or {}
        self.amendments = amendments or {}


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
    form = AmendmentForm
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
            .with_latest_seq()
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
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "votes (recorded with the “Record a vote” button)"

    def get_queryset(self, request):
        roll_call = RollCallEntry.objects.select_related("membership")
        return (
            super()
            .get_queryset(request)
            .select_related("body")
            .prefetch_related("sections", Prefetch("roll_call", queryset=roll_call))
        )

    @admin.display(description="figures")
    def figures(self, obj):
        return display.vote_figures(obj)


@admin.register(Proposal)
class ProposalAdmin(WorkflowViews, admin.ModelAdmin):
    form = ProposalForm
    list_display = ["reference", "title", "proposer", "conference_year", "status", "stale"]
    list_filter = ["status", "conference_year", "rulebook", StaleFilter]
    search_fields = ["reference", "title", "proposer", "amendments__rule__key"]
    inlines = [AmendmentInline, VoteInline]
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

    # --- showing service refusals -------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id)) if object_id else None
        if proposal is not None and request.method == "GET":
            for warning in admissibility_warnings(proposal):
                messages.warning(request, warning.message)
        extra_context = {**(extra_context or {}), **self.workflow_context(request, proposal)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedByService as refused:
            # The failed save was rolled back with the admin's transaction; render the
            # same input again, this time with the service's messages as form errors.
            request.service_refusal = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "service_refusal", None)
        if refused is not None:
            form = type(form.__name__, (form,), {"service_errors": refused.proposal})
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        refused = getattr(request, "service_refusal", None)
        if isinstance(inline, AmendmentInline) and refused is not None:
            kwargs["service_errors"] = refused.amendments
        return kwargs

    # --- saving through the services ----------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created together with its amendments in save_related
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if fields:
            try:
                proposal_update(proposal=obj, by=request.user, **fields)
            except ValidationError as error:
                raise RefusedByService(proposal=error_dict(error)) from None

    def save_related(self, request, form, formsets, change):
        amendments = None
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is Amendment:
                amendments = formset
        if not change:
            self._create(request, form, amendments)
        elif amendments is not None:
            self._save_amendments(request, form.instance, amendments)

    def _create(self, request, form, formset):
        """proposal_create with every filled-in amendment form, in order."""
        forms = [] if formset is None else _filled_forms(formset)
        cleaned = form.cleaned_data
        try:
            created = proposal_create(
                rulebook=cleaned["rulebook"],
                **{name: cleaned[name] for name in PROPOSAL_FIELDS},
                amendments=[f.service_data() for f in forms],
                by=request.user,
            )
        except ValidationError as error:
            raise _route_create_errors(error_dict(error), formset, forms) from None
        # The admin goes on with the form's instance (its log entry, the redirect).
        proposal = form.instance
        for field in Proposal._meta.concrete_fields:
            setattr(proposal, field.attname, getattr(created, field.attname))
        proposal._state.adding, proposal._state.db = False, created._state.db
        if formset is not None:
            formset.new_objects = list(created.amendments.all())

    def _save_amendments(self, request, proposal, formset):
        """Remove, then change, then add amendments: each through its service, each
        refusal kept for its form; any refusal rolls the whole save back."""
        refusals, by, deleted = {}, request.user, formset.deleted_forms
        for index, form in enumerate(formset.forms):
            if form.instance.pk is None or form not in deleted:
                continue
            try:
                amendment_remove(amendment=form.instance, by=by)
                formset.deleted_objects.append(form.instance)
            except ValidationError as error:
                refusals[index] = error_dict(error)
        for index, form in enumerate(formset.forms):
            if form in deleted or not form.has_changed():
                continue
            try:
                if form.instance.pk:
                    amendment_update(amendment=form.instance, by=by, **form.service_changes())
                    formset.changed_objects.append((form.instance, form.changed_data))
                else:
                    added = amendment_add(proposal=proposal, by=by, **form.service_data())
                    formset.new_objects.append(added)
            except ValidationError as error:
                refusals[index] = error_dict(error)
        if refusals:
            raise _route_amendment_errors(formset, refusals)


def _filled_forms(formset) -> list:
    deleted = formset.deleted_forms
    return [f for f in formset.forms if f.has_changed() and f not in deleted]


def _route_create_errors(errors, formset, forms) -> RefusedByService:
    """Errors keyed "amendments[i].field" go to the i-th filled-in form, the rest on top."""
    refused = RefusedByService()
    for key, messages_ in errors.items():
        if key.startswith(_AMENDMENT_KEY) and formset is not None:
            position, _, field = key[len(_AMENDMENT_KEY) :].partition("].")
            index = formset.forms.index(forms[int(position)])
            refused.amendments.setdefault(index, {}).setdefault(field, []).extend(messages_)
        else:
            refused.proposal.setdefault(key, []).extend(messages_)
    return refused


def _route_amendment_errors(formset, refusals) -> RefusedByService:
    """A refusal for a removed amendment has no form left to show it: put it on top."""
    refused = RefusedByService()
    deleted = formset.deleted_forms
    for index, errors in refusals.items():
        if formset.forms[index] in deleted:
            label = f"Removing amendment {index + 1}"
            for messages_ in errors.values():
                refused.proposal.setdefault(NON_FIELD_ERRORS, []).extend(
                    f"{label}: {message}" for message in messages_
                )
        else:
            refused.amendments[index] = errors
    return refused
