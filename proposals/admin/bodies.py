"""Deciding bodies with their members' terms, and the votes they cast (read only here)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch

from proposals.admin import display
from proposals.models import Body, Membership, RollCallEntry, Vote
from rulebook.admin import ReadOnlyMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["name", "seat", "start", "end"]
    extra = 1


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "decides", "rulebook"]
    list_filter = ["rulebook", "kind", "decides"]
    list_select_related = ["rulebook"]
    search_fields = ["name", "slug"]
    fields = ["rulebook", "slug", "name", "kind", "decides", "parent"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the body in the API and in import files.
        return ["rulebook", "slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # votes refer to it


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "seat", "start", "end"]
    list_filter = ["body"]
    list_select_related = ["body"]
    search_fields = ["name", "seat"]


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
