"""Admin for the rule book: rule books and parameters are editable; history is not.

Rule versions are immutable (the ORM and, on PostgreSQL, a trigger refuse changes), so the
admin only shows them: new versions come from adopting a proposal or from an import, never
from a form here. Rules are shown, not edited, for the same reason: a rule's key never
changes and its place in the tree is moved by a renumber amendment.
"""

from django.contrib import admin
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from rulebook.models import (
    AuditEntry,
    Nomination,
    NominationEvent,
    Parameter,
    ParameterBasis,
    ParameterValue,
    Quantity,
    QuantityValue,
    Rule,
    Rulebook,
    RuleVersion,
)
from rulebook.services import audit_record


class ReadOnlyMixin:
    """Viewable by whoever may view the model; nobody adds, changes or deletes it here."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedSaveMixin:
    """An edit here is a write to the rule book's record: audited like every other (and so it
    moves the book's revision). The admin's change form already runs in one transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            subject=str(obj),
            by=request.user,
            rulebook=obj if isinstance(obj, Rulebook) else obj.rulebook,
            record=obj,
            changes={
                name: (form.initial.get(name) if change else None, form.cleaned_data.get(name))
                for name in form.changed_data
            },
        )


@admin.register(Rulebook)
class RulebookAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "rule_count"]
    ordering = ["title"]  # explicit: Meta.ordering is not applied to the grouped count
    search_fields = ["title", "slug"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rule_count=Count("rules"))

    @admin.display(description="rules", ordering="rule_count")
    def rule_count(self, obj):
        return obj.rule_count

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every address: changing it would break members' links.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = RuleVersion
    fk_name = "rule"  # not `parent`: where the rule sat while the version was in force
    fields = ["seq", "number", "heading", "effective_from", "repealed", "provenance", "source"]
    fields += ["note", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    ordering = ["seq"]
    verbose_name_plural = "versions (read only: new versions come from adoption or import)"


@admin.register(Rule)
class RuleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Named as people know them: number and heading today (`with_current_wording`); the key
    # last, for those who write import files.
    list_display = ["named", "rulebook", "parent_named", "version_count", "key"]
    list_display_links = ["named"]
    list_filter = ["rulebook"]
    list_select_related = ["rulebook"]
    ordering = ["rulebook", "position"]  # document order
    # Amendment.rule picks its rule through this search (autocomplete_fields): by any number
    # or heading the rule ever had, or its key.
    search_fields = ["key", "versions__number", "versions__heading"]
    readonly_fields = ["rulebook", "key", "parent", "position", "member_page"]
    fields = readonly_fields
    inlines = [VersionInline]

    def get_queryset(self, request):
        versions = RuleVersion.objects.filter(rule=OuterRef("pk")).order_by()
        count = versions.values("rule").annotate(n=Count("pk")).values("n")
        parent = Rule.objects.with_current_wording().filter(pk=OuterRef("parent"))
        return (
            super()
            .get_queryset(request)
            .with_current_wording()
            .annotate(
                # Subqueries, not joins: a search through the versions must not count twice.
                version_count=Coalesce(Subquery(count), 0),
                parent_number=Subquery(parent.values("current_number")[:1]),
                parent_heading=Subquery(parent.values("current_heading")[:1]),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Rules whose key, or any version's number or heading, matches; a rule numbered
        exactly so today comes first (typing "4.II.2.B" finds 4.II.2.B before 4.II.2.B.i)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = Q(current_number__iexact=term) | Q(key__iexact=term)
            queryset = queryset.annotate(
                exact=Case(When(exact, then=Value(0)), default=Value(1))
            ).order_by("exact", "rulebook", "position")
        return queryset, duplicates

    @admin.display(description="rule", ordering="position")
    def named(self, obj):
        return str(obj)

    @admin.display(description="under")
    def parent_named(self, obj):
        if obj.parent_id is None:
            return "—"
        return f"{obj.parent_number} {obj.parent_heading}".strip() or "—"

    @admin.display(description="versions", ordering="version_count")
    def version_count(self, obj):
        return obj.version_count

    @admin.display(description="member page")
    def member_page(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


class ParameterValueInline(ReadOnlyMixin, admin.TabularInline):
    model = ParameterValue
    fields = ["parameter", "value"]
    readonly_fields = fields
    extra = 0


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "effective_from", "repealed", "provenance"]  # no rule keys
    list_filter = ["rule__rulebook", "repealed", "provenance", "effective_from"]
    list_select_related = ["rule"]
    search_fields = ["rule__key", "number", "heading", "text"]
    date_hierarchy = "effective_from"
    fields = [
        "rule",
        "seq",
        "number",
        "heading",
        "text",
        "effective_from",
        "repealed",
        "provenance",
        "source",
        "note",
        "parent",
        "position",
        "created_at",
        "created_by",
    ]
    readonly_fields = fields
    inlines = [ParameterValueInline]


@admin.register(Parameter)
class ParameterAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "rulebook", "key"]  # by label; the key for files
    list_filter = ["rulebook"]
    list_select_related = ["rulebook"]
    search_fields = ["key", "label"]
    fields = ["rulebook", "key", "label", "unit", "description"]

    def get_readonly_fields(self, request, obj=None):
        # Rule versions state values under the key: it never changes once declared.
        return ["rulebook", "key"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject", "what_changed"]
    list_filter = ["action", "rulebook"]
    list_select_related = ["actor"]
    search_fields = ["action", "subject"]
    date_hierarchy = "at"
    fields = ["at", "actor", "action", "subject", "rulebook", "record", "what_changed", "data"]
    readonly_fields = fields

    @admin.display(description="what changed")
    def what_changed(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.lines()))


# --- Quantities, bases and nomination events (issue 13) --------------------------------------


class AuditedInlinesMixin(AuditedSaveMixin):
    """Inline rows (a quantity's values, an event's nominations) are writes to the record too:
    each added, changed or deleted row is audited against the parent, so the book's revision
    moves and cached pages showing the figure are not served stale."""

    def save_formset(self, request, form, formset, change):
        forms = {id(f.instance): f for f in formset.forms}
        instances = formset.save(commit=False)
        parent = form.instance
        for obj in formset.deleted_objects:
            self._audit_row(request, parent, obj, "delete", {})
            obj.delete()
        for obj in instances:
            adding, row = obj.pk is None, forms.get(id(obj))
            obj.save()
            names = row.changed_data if row is not None else []
            changes = {
                name: (None if adding else row.initial.get(name), getattr(obj, name))
                for name in names
            }
            self._audit_row(request, parent, obj, "create" if adding else "update", changes)
        formset.save_m2m()

    def _audit_row(self, request, parent, obj, verb, changes):
        audit_record(
            action=f"{obj._meta.model_name}.{verb}",
            subject=f"{parent}: {obj}",
            by=request.user,
            rulebook=parent.rulebook,
            record=parent,
            changes=changes,
        )


class QuantityValueInline(admin.TabularInline):
    model = QuantityValue
    fields = ["effective_from", "value", "source", "confidence", "note"]
    extra = 1


@admin.register(Quantity)
class QuantityAdmin(AuditedInlinesMixin, admin.ModelAdmin):
    list_display = ["key", "label", "unit", "rulebook"]
    list_filter = ["rulebook"]
    list_select_related = ["rulebook"]
    search_fields = ["key", "label"]
    fields = ["rulebook", "key", "label", "unit", "description"]
    inlines = [QuantityValueInline]

    def get_readonly_fields(self, request, obj=None):
        # Bases name the quantity: its key and book never change once declared.
        return ["rulebook", "key"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParameterBasis)
class ParameterBasisAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Bases belong to immutable versions: recorded with the version (import), shown here."""

    list_display = ["parameter_value", "rounding", "when_absent", "unit"]
    list_select_related = ["parameter_value__parameter", "parameter_value__version__rule"]
    fields = ["parameter_value", "quantities", "rounding", "when_absent", "unit"]
    readonly_fields = fields


class NominationInline(admin.TabularInline):
    model = Nomination
    fields = ["candidate", "mp_nominations", "clp_nominations", "affiliate_nominations"]
    fields += ["source", "confidence", "note"]
    extra = 1


@admin.register(NominationEvent)
class NominationEventAdmin(AuditedInlinesMixin, admin.ModelAdmin):
    list_display = ["title", "date", "parameter", "rulebook"]
    list_filter = ["rulebook"]
    list_select_related = ["rulebook", "parameter"]
    search_fields = ["title", "slug"]
    fields = ["rulebook", "slug", "title", "date", "parameter", "reported_threshold"]
    fields += ["source", "confidence", "note"]
    inlines = [NominationInline]
    autocomplete_fields = ["parameter"]

    def get_readonly_fields(self, request, obj=None):
        return ["rulebook", "slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False
