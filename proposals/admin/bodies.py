"""Deciding bodies with their members' terms, and the votes they cast (read only here).

Bodies and terms are saved through `proposals.services.bodies`; the forms' `clean()` asks the
same checks first (`body_problems`, `membership_problems`), so a refused change is shown on
the form, with nothing saved."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet

from proposals.admin import display
from proposals.models import Body, Membership, RollCallEntry, Vote
from proposals.rules import Term, check_membership, sentence
from proposals.services.bodies import (
    BODY_FIELDS,
    MEMBERSHIP_FIELDS,
    body_create,
    body_problems,
    body_update,
    membership_create,
    membership_problems,
    membership_update,
)
from rulebook.admin import ReadOnlyMixin


def add_problems(form: forms.BaseForm, problems) -> None:
    """Put the checks' problems on the form's fields (or at its top)."""
    for problem in problems:
        field = problem.path if problem.path in form.fields else None
        form.add_error(field, sentence(problem.message))


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["rulebook", "slug", "name", "kind", "decides", "parent"]

    def clean(self):
        cleaned = super().clean()
        rulebook = cleaned.get("rulebook") or getattr(self.instance, "rulebook", None)
        if rulebook is not None and "decides" in cleaned:
            saved = self.instance if self.instance.pk else None
            add_problems(
                self,
                body_problems(
                    body=saved,
                    rulebook=rulebook,
                    decides=cleaned["decides"],
                    parent=cleaned.get("parent"),
                ),
            )
        return cleaned


class MembershipForm(forms.ModelForm):
    """A term, checked as `membership_create` / `membership_update` check it."""

    class Meta:
        model = Membership
        fields = ["body", "name", "seat", "start", "end"]

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body") or getattr(self.instance, "body", None)
        if body is not None and not self.errors and cleaned.get("name") and cleaned.get("start"):
            add_problems(self, self.problems(body, alongside=[]))
        return cleaned

    def problems(self, body, alongside):
        cleaned = self.cleaned_data
        return membership_problems(
            membership=self.instance if self.instance.pk else None,
            body=body,
            name=cleaned["name"].strip(),
            start=cleaned["start"],
            end=cleaned.get("end"),
            alongside=alongside,
        )

    def _get_validation_exclusions(self):
        # `clean()` says in words what the database's constraint on the dates refuses (an
        # end before the start); left in, the model's validation would add its raw name.
        return super()._get_validation_exclusions() | {"end"}


class NewMembershipForm(MembershipForm):
    """A term added on its body's page: `NewMembershipFormSet.clean` checks it, with the
    others added beside it."""

    def clean(self):
        return forms.ModelForm.clean(self)


class NewMembershipFormSet(BaseInlineFormSet):
    """New terms added on a body's page: each checked against the saved terms and against
    the others added with it (a term is checked when it is saved, one after another)."""

    def clean(self):
        super().clean()
        added = []
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned or form.errors or not cleaned.get("name") or not cleaned.get("start"):
                continue
            term = Term(cleaned["name"].strip(), cleaned["start"], cleaned.get("end"))
            if self.instance.pk:
                problems = form.problems(self.instance, alongside=added)
            else:  # a new body: its terms are the ones added here
                problems = check_membership(body_name=self.instance.name, term=term, others=added)
            add_problems(form, problems)
            added.append(term)


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    """The terms recorded: each is changed (or ended) on its own page, which checks it
    against the votes cast under it."""

    model = Membership
    fields = ["name", "seat", "start", "end"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = "members (change a term on its own page)"


class NewMembershipInline(admin.TabularInline):
    model = Membership
    form = NewMembershipForm
    formset = NewMembershipFormSet
    fields = ["name", "seat", "start", "end"]
    extra = 1
    can_delete = False
    verbose_name = "new term"
    verbose_name_plural = "add members"

    def get_queryset(self, request):
        return super().get_queryset(request).none()


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    """Saved through the services: `body_create` / `body_update`, then `membership_create`
    for each new term, all in the admin's one transaction."""

    form = BodyForm
    list_display = ["name", "slug", "kind", "decides", "rulebook"]
    list_filter = ["rulebook", "kind", "decides"]
    list_select_related = ["rulebook"]
    search_fields = ["name", "slug"]
    fields = ["rulebook", "slug", "name", "kind", "decides", "parent"]
    inlines = [MembershipInline, NewMembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the body in the API and in import files.
        return ["rulebook", "slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # votes refer to it

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        if change:
            fields = {name: cleaned[name] for name in form.changed_data if name in BODY_FIELDS}
            if fields:
                body_update(body=obj, by=request.user, **fields)
            return
        created = body_create(
            rulebook=cleaned["rulebook"],
            slug=cleaned["slug"],
            **{name: cleaned[name] for name in BODY_FIELDS},
            by=request.user,
        )
        obj.pk = created.pk  # the admin goes on with its own instance (the inlines, the log)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        # What the admin's change message reads; the recorded terms are read only here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not isinstance(formset, NewMembershipFormSet):
            return
        for row in formset.forms:
            cleaned = getattr(row, "cleaned_data", None)
            if not cleaned or not row.has_changed():
                continue
            created = membership_create(
                body=form.instance,
                name=cleaned["name"],
                seat=cleaned.get("seat") or "",
                start=cleaned["start"],
                end=cleaned.get("end"),
                by=request.user,
            )
            formset.new_objects.append(created)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A term, saved through `membership_create` / `membership_update`. Never deleted: the
    votes cast under it refer to it; a term that is over is ended."""

    form = MembershipForm
    list_display = ["name", "body", "seat", "start", "end"]
    list_filter = ["body"]
    list_select_related = ["body"]
    search_fields = ["name", "seat"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        if change:
            fields = {name: cleaned[name] for name in form.changed_data}
            if fields:
                membership_update(membership=obj, by=request.user, **fields)
            return
        created = membership_create(
            **{name: cleaned[name] for name in MEMBERSHIP_FIELDS}, by=request.user
        )
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Votes are recorded from the proposal page ("Record a vote"), never edited."""

    list_display = ["proposal", "body", "held_on", "stage", "method", "result"]
    list_filter = ["stage", "method", "result", "body"]
    list_select_related = ["proposal", "body"]
    search_fields = ["proposal__reference", "proposal__title", "body__name"]
    date_hierarchy = "held_on"
    fields = [
        "proposal",
        "body",
        "held_on",
        "stage",
        "method",
        "majority",
        "figures",
        "declared_result",
        "result",
        "note",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        roll_call = RollCallEntry.objects.select_related("membership")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("sections", Prefetch("roll_call", queryset=roll_call))
        )

    @admin.display(description="figures")
    def figures(self, obj):
        return display.vote_figures(obj)
