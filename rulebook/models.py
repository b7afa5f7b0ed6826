"""Rule books, their rules, the immutable versions of each rule, and parameters.

A rule's identity is its stable key; everything a member reads (number, heading, text) lives
on a dated `RuleVersion`. Versions are history: the ORM refuses to change or delete them and,
on PostgreSQL, so does a trigger (see migration 0002).
"""

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, Func, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KEY_MAX_LENGTH = 100
PARAMETER_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
key_validator = RegexValidator(
    KEY_PATTERN,
    "Use lower-case letters, digits and single hyphens only (for example c4-ii-2-b-i).",
)


def json_number(value: Decimal) -> int | float:
    """A stored decimal as the JSON number it stands for: 20 for 20.0000, 12.5 for 12.5000
    (API answers, exports and amendment parameters all write parameters so)."""
    return int(value) if value == value.to_integral_value() else float(value)


def provenance_problem(provenance: str, source: str) -> str | None:
    """Why a version's provenance and source do not go together, or None. The one home of
    this rule: model validation (so services and admin) and the importer read it."""
    needs_source = provenance in (
        RuleVersion.Provenance.PRINTED,
        RuleVersion.Provenance.RECONSTRUCTED,
    )
    if needs_source and not (source or "").strip():
        label = RuleVersion.Provenance(provenance).label.lower()
        return f"A version {label} needs its source (the edition or where it comes from)."
    return None


NOT_STATED = "Not stated where this version was recorded."
_AS_PRINTED = re.compile(r"\bas printed\b", re.IGNORECASE)
_SOURCE = re.compile(r"\bSources?:\s*(.+?)\.?\s*$", re.IGNORECASE | re.DOTALL)


def provenance_from_note(note: str) -> tuple[str, str]:
    """The provenance and source a free-text note implies, for versions recorded before
    provenance was a field (the migration that added it, and import files that do not state
    it): "as printed" in the note means printed, anything else reconstructed; the source is
    the note's "Source: …" sentence, else the whole note, else `NOT_STATED`."""
    note = (note or "").strip()
    provenance = "printed" if _AS_PRINTED.search(note) else "reconstructed"
    found = _SOURCE.search(note)
    return provenance, (found.group(1).strip() if found else note) or NOT_STATED


class ImmutableVersionError(Exception):
    """Raised when code tries to change or delete a rule version or its parameter values."""


class Rulebook(models.Model):
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Short name used in every address, for example 'labour'. Never changes.",
    )
    title = models.CharField(max_length=200, help_text="Full title, e.g. 'Labour Party Rule Book'.")
    description = models.TextField(blank=True, help_text="Shown under the title on the contents.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bumped, in the same transaction, by every write to the record (`services.audit_record`):
    # it keys the cached pages and API answers and their ETags (web/caching.py), so nothing
    # cached can outlive the data it shows.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class RuleQuerySet(models.QuerySet):
    def in_document_order(self):
        return self.order_by("position")

    def with_current_wording(self, *, on=None):
        """Annotate `current_number` and `current_heading`: what people call the rule on `on`
        (default today): its newest numbered version in force then, else (a rule not yet in
        force, or repealed since) its newest numbered version. `str()` of such a rule is its
        number and heading, never its key (the admin's lists and autocomplete)."""
        on = on or timezone.localdate()
        named = RuleVersion.objects.filter(rule=OuterRef("pk"), repealed=False).order_by("-seq")
        in_force = named.filter(effective_from__lte=on)
        return self.annotate(
            **{
                f"current_{field}": Coalesce(
                    Subquery(in_force.values(field)[:1]),
                    Subquery(named.values(field)[:1]),
                    Value(""),
                )
                for field in ("number", "heading")
            }
        )


class Rule(models.Model):
    """One provision (chapter, clause, sub-clause …) identified by a key that never changes."""

    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="rules")
    key = models.CharField(
        max_length=KEY_MAX_LENGTH,
        validators=[key_validator],
        help_text="Stable key, never changed even when the rule is renumbered or moved.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The chapter or clause this rule sits in; empty for a chapter.",
    )
    position = models.PositiveIntegerField(
        help_text="Place in document order across the whole rule book (parents before children)."
    )

    objects = RuleQuerySet.as_manager()

    class Meta:
        ordering = ["rulebook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "key"], name="rulebook_rule_key_unique"),
        ]
        indexes = [models.Index(fields=["rulebook", "position"], name="rulebook_rule_order_idx")]

    def __str__(self):
        named = f"{getattr(self, 'current_number', '')} {getattr(self, 'current_heading', '')}"
        return named.strip() or self.key  # see `RuleQuerySet.with_current_wording`


def parameter_values_prefetch() -> Prefetch:
    """Versions' parameter values with their parameters, by key: for `with_parameters`, and
    for `prefetch_related_objects` on versions already fetched."""
    # The basis (a one-to-one, joined) comes along for the computed figures (issue 13).
    values = ParameterValue.objects.select_related("parameter", "basis").order_by("parameter__key")
    return Prefetch("parameter_values", queryset=values)


SEARCH_CONFIG = "english"


class SearchDocument(Func):
    """What full-text search reads of a version on PostgreSQL: heading (weight A), text (B)
    and note (C) as one `english` tsvector, stored by a generated column with a GIN index
    (migration 0007), as djangoproject.com's docs search does. On other databases the column
    is a NULL placeholder: SQLite searches an FTS5 table kept in step by triggers instead."""

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(
            SearchVector("heading", weight="A", config=SEARCH_CONFIG)
            + SearchVector("text", weight="B", config=SEARCH_CONFIG)
            + SearchVector("note", weight="C", config=SEARCH_CONFIG)
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class RuleVersionManager(models.Manager):
    """Leaves the stored search document out of every read (only search filters on it), so
    pages and API answers never carry a tsvector they do not show."""

    def get_queryset(self):
        return super().get_queryset().defer("search_document")


class RuleVersionQuerySet(models.QuerySet):
    """Reads of version history. Writes other than inserts are refused: history is immutable."""

    def in_force(self, *, on):
        """The one version of each rule in force on `on` (repeals included: filter them out)."""
        superseded = RuleVersion.objects.filter(
            rule=OuterRef("rule"),
            effective_from__lte=on,
            effective_from__gt=OuterRef("effective_from"),
        )
        return self.filter(effective_from__lte=on).exclude(Exists(superseded))

    def pending(self, *, on):
        """Versions already recorded on `on` that only take effect after it."""
        return self.filter(effective_from__gt=on, created_at__date__lte=on)

    def with_parameters(self):
        """With the parameter values each states, by parameter key (one query more);
        `RuleVersion.parameters` reads them."""
        return self.prefetch_related(parameter_values_prefetch())

    def with_until(self):
        """Annotate `until`: the day the rule's next version takes effect (None for the
        latest), i.e. the first day this one is no longer in force."""
        following = RuleVersion.objects.filter(rule=OuterRef("rule"), seq__gt=OuterRef("seq"))
        return self.annotate(until=Subquery(following.order_by("seq").values("effective_from")[:1]))

    def update(self, **kwargs):
        raise ImmutableVersionError("Rule versions are immutable: record a new version instead.")

    def delete(self):
        raise ImmutableVersionError("Rule versions are immutable and cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableVersionError("Rule versions are immutable: record a new version instead.")

    delete.queryset_only = True


class RuleVersion(models.Model):
    """What a rule said (number, heading, text) from `effective_from` until its next version,
    where it sat in the tree meanwhile (`parent`, `position`), and where its wording comes
    from (`provenance`, `source`)."""

    class Provenance(models.TextChoices):
        # The three honest answers to "how do we know it said this?" (issue 9).
        PRINTED = "printed", "As printed"
        RECONSTRUCTED = "reconstructed", "Reconstructed"
        ADOPTED = "adopted", "Recorded at adoption"

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    seq = models.PositiveIntegerField(
        "version",
        help_text="1 for the rule's first version, then 2, 3 … in date order. Used in permalinks.",
    )
    number = models.CharField(
        max_length=60,
        blank=True,
        help_text="Citation label at that time, e.g. 4.II.2.B.i. Empty only for a repeal.",
    )
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    effective_from = models.DateField(
        help_text="The day this version takes effect. Later than every earlier version's date."
    )
    repealed = models.BooleanField(
        default=False, help_text="This version repeals the rule: no number, heading or text."
    )
    note = models.TextField(
        blank=True,
        help_text="Where the text comes from, e.g. 'reconstructed from LabourList, 2021-09'.",
    )
    provenance = models.CharField(
        max_length=20,
        choices=Provenance.choices,
        help_text="As printed: checked against the printed edition named in the source. "
        "Reconstructed: rebuilt from the source named. Recorded at adoption: made by the "
        "tracker from an adopted amendment.",
    )
    source = models.TextField(
        blank=True,
        help_text="The edition or source of the wording, e.g. 'Labour Party Rule Book 2016'; "
        "for a version recorded at adoption, the proposal and its adoption date.",
    )
    parent = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The rule this one sat under while this version was in force; empty for a "
        "chapter.",
    )
    position = models.CharField(
        max_length=200,
        help_text="Sort key among the parent's children while this version was in force "
        "(see rulebook.placement): the document order on a date is read from it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    search_document = models.GeneratedField(
        expression=SearchDocument(), output_field=SearchVectorField(), db_persist=True
    )

    objects = RuleVersionManager.from_queryset(RuleVersionQuerySet)()

    class Meta:
        ordering = ["rule", "seq"]
        get_latest_by = "seq"
        constraints = [
            models.UniqueConstraint(fields=["rule", "seq"], name="rulebook_version_seq_unique"),
            models.UniqueConstraint(
                fields=["rule", "effective_from"], name="rulebook_version_date_unique"
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="rulebook_version_seq_positive"),
            models.CheckConstraint(
                condition=Q(repealed=True) | ~Q(number=""),
                name="rulebook_version_number_required",
            ),
            models.CheckConstraint(
                condition=Q(repealed=False) | Q(number="", heading="", text=""),
                name="rulebook_version_repeal_is_empty",
            ),
            models.CheckConstraint(
                condition=Q(provenance__in=["printed", "reconstructed", "adopted"]),
                name="rulebook_version_provenance_known",
            ),
            models.CheckConstraint(
                condition=Q(provenance="adopted") | ~Q(source=""),
                name="rulebook_version_source_required",
                violation_error_message="A version as printed or reconstructed needs its source.",
            ),
        ]
        indexes = [
            models.Index(fields=["rule", "effective_from"], name="rulebook_version_date_idx"),
        ]

    def __str__(self):
        """In people's words: "4.II.2.B.i Nominations when there is a vacancy, version 6,
        from 2021-09-29" (a repeal: "Repeal, version 2, from …")."""
        named = "Repeal" if self.repealed else f"{self.number} {self.heading}".strip()
        return f"{named}, version {self.seq}, from {self.effective_from}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError(
                "Rule versions are immutable: record a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError("Rule versions are immutable and cannot be deleted.")

    @property
    def name(self) -> str:
        """The rule as people cite it in this version: "4.II.2.B.i Nominations when there is
        a vacancy" (the rule's key only where a version has neither number nor heading)."""
        return f"{self.number} {self.heading}".strip() or self.rule.key

    def clean(self):
        problem = provenance_problem(self.provenance, self.source)
        if problem:
            raise ValidationError({"source": problem})

    @property
    def placement(self) -> tuple[int | None, str]:
        """Where the rule sat while this version was in force: (parent id, sibling key)."""
        return self.parent_id, self.position

    @property
    def parameters(self) -> dict[str, int | float]:
        """The parameter values it states, by key, as JSON numbers (prefetched by
        `with_parameters`; one query otherwise)."""
        values = self.parameter_values.all()
        if "parameter_values" not in getattr(self, "_prefetched_objects_cache", {}):
            values = values.select_related("parameter")
        return {pv.parameter.key: json_number(pv.value) for pv in values}


class Parameter(models.Model):
    """A machine-readable value stated by rule versions, e.g. a nomination threshold."""

    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="parameters")
    key = models.CharField(
        max_length=KEY_MAX_LENGTH,
        validators=[RegexValidator(PARAMETER_KEY_PATTERN, "Use lower_case_with_underscores.")],
        help_text="Stable key, e.g. leader_nomination_mp_threshold.",
    )
    label = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=20, blank=True, help_text="For example % or members.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rulebook", "key"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "key"], name="rulebook_parameter_unique"),
        ]

    def __str__(self):
        return self.label or self.key


class ParameterValueQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableVersionError("Parameter values belong to an immutable rule version.")

    def delete(self):
        raise ImmutableVersionError("Parameter values belong to an immutable rule version.")

    delete.queryset_only = True


class ParameterValue(models.Model):
    version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="parameter_values"
    )
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=4)

    objects = ParameterValueQuerySet.as_manager()

    class Meta:
        ordering = ["parameter", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "parameter"], name="rulebook_parameter_value_unique"
            ),
        ]

    def __str__(self):
        return f"{self.parameter.key} = {self.value}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError("Parameter values belong to an immutable rule version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError("Parameter values belong to an immutable rule version.")


class ReferenceQuerySet(models.QuerySet):
    def citing(self, rule: Rule, *, on):
        """References to `rule` written in the versions of other rules in force on `on`
        (repeals excluded), with the citing version and its rule, in document order."""
        return (
            self.filter(
                target=rule,
                version__in=RuleVersion.objects.in_force(on=on).filter(repealed=False),
            )
            .exclude(version__rule=rule)
            .select_related("version__rule")
            .order_by("version__rule__position", "start")
        )


class Reference(models.Model):
    """A reference in a version's text to another rule, recognised in the forms of
    `rulebook.references` and resolved at the version's `effective_from` to the one rule then
    bearing the number. Derived from the versions (`rulebook.services.references_refresh`
    keeps it in step, in the same transaction as every version insert); never edited by hand.
    Unrecognised or ambiguous references have no row: they stay text."""

    version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="references")
    target = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="cited_by")
    start = models.PositiveIntegerField(help_text="Where the reference starts in the text.")
    end = models.PositiveIntegerField(help_text="Where it ends (exclusive).")
    number = models.CharField(max_length=60, help_text="The rule number it cites.")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["version", "start"]
        constraints = [
            models.UniqueConstraint(fields=["version", "start"], name="reference_once_per_place"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="reference_span"
            ),
        ]
        indexes = [models.Index(fields=["target", "version"], name="rulebook_reference_target")]

    def __str__(self):
        return f"{self.version} cites {self.number}"

    @property
    def written(self) -> str:
        """The reference as the citing text writes it."""
        return self.version.text[self.start : self.end]


class AuditEntryQuerySet(models.QuerySet):
    def of(self, record: models.Model):
        """The trail of `record` (a proposal, a body, a rule book), oldest first."""
        return self.filter(
            object_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).order_by("at", "id")


class AuditEntry(models.Model):
    """Who did what, when, and what changed: written by every service that changes the record.

    `data["changes"]` holds what a write changed, field by field, as `[before, after]` (before
    is None for a new record); other keys of `data` say what else the write concerned (the
    vote, the amendment, the note …). `lines()` is the one place that renders them for people
    (the admin's "History of this record" and the API's trail both use it).

    `rulebook` and the generic reference (`object_type`, `object_id`) make a record's trail
    findable: a proposal's entries (its amendments, votes and adoption included) point at the
    proposal, a body's (its memberships included) at the body. A generic reference keeps the
    domain running one way: `rulebook` never imports `proposals`. Entries written before these
    columns existed keep them empty (the rows are never updated).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: the trail is history (the database refuses to change it), so a user who did
    # something cannot be deleted, only made inactive.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=60, help_text="e.g. proposal.submit, rulebook.import")
    subject = models.CharField(max_length=300, help_text="What it was done to, as text.")
    data = models.JSONField(default=dict, blank=True)
    rulebook = models.ForeignKey(
        Rulebook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The rule book the record belongs to.",
    )
    object_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The kind of record written (proposal, body …).",
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("object_type", "object_id")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="rulebook_audit_record_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"

    # Keys of `data` not shown as lines: the changes (shown first) and the proposal's id (the
    # record itself, which the trail is read from).
    HIDDEN_KEYS = ("changes", "proposal")

    def lines(self) -> list[str]:
        """What changed, one line a field, e.g. "status: submitted → carried", then what
        else the write concerned ("vote: 12")."""
        data = self.data if isinstance(self.data, dict) else {}
        lines = []
        for field, change in (data.get("changes") or {}).items():
            before, after = change if isinstance(change, list | tuple) else (None, change)
            if before in (None, "", [], {}):
                lines.append(f"{field}: {_shown(after)}")
            else:
                lines.append(f"{field}: {_shown(before)} → {_shown(after)}")
        for key, value in data.items():
            if key in self.HIDDEN_KEYS:
                continue
            lines.append(f"{key}: {_shown(value)}")
        return lines

    def described(self) -> str:
        """`lines()` as one line (the admin's lists)."""
        return "; ".join(self.lines())


def _shown(value) -> str:
    """A recorded value as people read it: "—" for nothing, lists joined, text as is."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key} {_shown(item)}" for key, item in value.items())
    return str(value)


# The tables that hold history: rows are only ever inserted (the database refuses UPDATE,
# DELETE and TRUNCATE on PostgreSQL; `create_app_role` grants only SELECT and INSERT on them).
HISTORY_MODELS = (RuleVersion, ParameterValue, AuditEntry)


# --- Quantities, the bases of parameters, nomination events (issue 13) ----------------------


class Confidence(models.TextChoices):
    """How sure the record is of a figure (the grading of the demo's notes, issue 9)."""

    VERIFIED = "V", "Verified in a contemporaneous source"
    PARTIAL = "P", "Partial or secondary source"
    UNCERTAIN = "U", "Uncertain"


class Quantity(models.Model):
    """Something a rule counts, e.g. the Commons members of the PLP, with dated values."""

    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="quantities")
    key = models.CharField(
        max_length=KEY_MAX_LENGTH,
        validators=[RegexValidator(PARAMETER_KEY_PATTERN, "Use lower_case_with_underscores.")],
        help_text="Stable key, e.g. plp_commons_members.",
    )
    label = models.CharField(
        max_length=200, help_text="As the working reads it, e.g. 'Commons members of the PLP'."
    )
    unit = models.CharField(max_length=40, blank=True, help_text="For example MPs or CLPs.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rulebook", "key"]
        verbose_name_plural = "quantities"
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "key"], name="rulebook_quantity_unique"),
        ]

    def __str__(self):
        return self.label or self.key


class QuantityValueQuerySet(models.QuerySet):
    def of_rulebook(self, rulebook: Rulebook):
        """Every value of the book's quantities, oldest first, with its quantity (one query)."""
        return (
            self.filter(quantity__rulebook=rulebook)
            .select_related("quantity")
            .order_by("quantity__key", "effective_from")
        )


class QuantityValue(models.Model):
    """A quantity's value from `effective_from` until its next value."""

    quantity = models.ForeignKey(Quantity, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    effective_from = models.DateField(help_text="The first day the quantity had this value.")
    source = models.TextField(help_text="Where the figure comes from, e.g. 'Guardian 2020-01-13'.")
    confidence = models.CharField(max_length=1, choices=Confidence.choices)
    note = models.TextField(blank=True)

    objects = QuantityValueQuerySet.as_manager()

    class Meta:
        ordering = ["quantity", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["quantity", "effective_from"], name="rulebook_quantity_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="rulebook_quantity_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=["V", "P", "U"]),
                name="rulebook_quantity_value_confidence_known",
            ),
            models.CheckConstraint(
                condition=~Q(source=""), name="rulebook_quantity_value_source_required"
            ),
        ]

    def __str__(self):
        return f"{self.quantity.key} = {self.shown} from {self.effective_from}"

    @property
    def shown(self) -> str:
        """The value as written: 232, not 232.0000 or 2.32E+2."""
        return f"{self.value.normalize():f}"


class ParameterBasis(models.Model):
    """What a percentage stated by a rule version is a percentage of, and how the figure is
    rounded: it belongs to the version (a rule change may change the basis, as Conference
    2015 added the EPLP to the PLP), so like the version it is never changed."""

    class Rounding(models.TextChoices):
        UP = "up", "Round up"  # "at least 15 per cent"
        DOWN = "down", "Round down"
        NEAREST = "nearest", "Round to the nearest (halves up)"

    class WhenAbsent(models.TextChoices):
        UNAVAILABLE = "unavailable", "No figure: say which value is missing"
        ZERO = "zero", "Count a missing value as none (e.g. a body that no longer exists)"

    parameter_value = models.OneToOneField(
        ParameterValue, on_delete=models.PROTECT, related_name="basis"
    )
    quantities = models.ManyToManyField(Quantity, through="BasisTerm", related_name="+")
    rounding = models.CharField(max_length=10, choices=Rounding.choices)
    when_absent = models.CharField(
        max_length=12, choices=WhenAbsent.choices, default=WhenAbsent.UNAVAILABLE
    )
    unit = models.CharField(
        max_length=40, blank=True, help_text="What the figure counts, e.g. 'nominations'."
    )

    class Meta:
        verbose_name_plural = "parameter bases"
        constraints = [
            models.CheckConstraint(
                condition=Q(rounding__in=["up", "down", "nearest"]),
                name="rulebook_basis_rounding_known",
            ),
            models.CheckConstraint(
                condition=Q(when_absent__in=["unavailable", "zero"]),
                name="rulebook_basis_when_absent_known",
            ),
        ]

    def __str__(self):
        return f"basis of {self.parameter_value}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError("A basis belongs to an immutable rule version.")
        super().save(*args, **kwargs)

    @property
    def summed(self) -> list[Quantity]:
        """The quantities summed, in the order the rule names them (prefetch
        `basis_terms_prefetch()`; one query otherwise)."""
        return [term.quantity for term in self.terms.all()]


def basis_terms_prefetch() -> Prefetch:
    """Bases' terms, in order, with their quantities: for `ParameterBasis.summed`."""
    return Prefetch("terms", queryset=BasisTerm.objects.select_related("quantity"))


class BasisTerm(models.Model):
    """One quantity summed in a basis, in the order the rule names them."""

    basis = models.ForeignKey(ParameterBasis, on_delete=models.CASCADE, related_name="terms")
    quantity = models.ForeignKey(Quantity, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["basis", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "quantity"], name="rulebook_basis_term_unique"
            ),
        ]

    def __str__(self):
        return f"{self.basis}: {self.quantity.key}"


class NominationEvent(models.Model):
    """A round of nominations (e.g. a leadership election's), judged against a parameter."""

    rulebook = models.ForeignKey(
        Rulebook, on_delete=models.PROTECT, related_name="nomination_events"
    )
    slug = models.SlugField(max_length=80, help_text="In the event's address; never changes.")
    title = models.CharField(max_length=200)
    date = models.DateField(help_text="The day nominations closed: the rules and quantities read.")
    parameter = models.ForeignKey(
        Parameter,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The threshold the nominations are judged against.",
    )
    reported_threshold = models.PositiveIntegerField(
        null=True, blank=True, help_text="The threshold as reported at the time, if known."
    )
    source = models.TextField()
    confidence = models.CharField(max_length=1, choices=Confidence.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["rulebook", "date", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "slug"], name="rulebook_event_unique"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # The threshold must be one of this book's parameters (the importer checks the same).
        same_book = self.parameter_id is None or self.parameter.rulebook_id == self.rulebook_id
        if self.rulebook_id and not same_book:
            raise ValidationError({"parameter": "Choose a parameter of this event's book."})


class Nomination(models.Model):
    """One candidate's nominations in an event."""

    event = models.ForeignKey(NominationEvent, on_delete=models.CASCADE, related_name="nominations")
    candidate = models.CharField(max_length=200)
    mp_nominations = models.PositiveIntegerField("MP nominations")
    clp_nominations = models.PositiveIntegerField("CLP nominations", null=True, blank=True)
    affiliate_nominations = models.PositiveIntegerField(null=True, blank=True)
    source = models.TextField()
    confidence = models.CharField(max_length=1, choices=Confidence.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["event", "-mp_nominations", "candidate"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "candidate"], name="rulebook_nomination_unique"
            ),
        ]

    def __str__(self):
        return f"{self.candidate}: {self.mp_nominations}"
