"""Read serializers of the rule book. Rules are addressed by key, versions by their number
(`seq`), never by database id. Parameter values are JSON numbers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from rulebook import diff
from rulebook.models import Parameter, RuleVersion, json_number
from rulebook.selectors import POINT_STATUSES

_ENUM_FIELDS: dict[str, type[serializers.ChoiceField]] = {}


def enum_field(name: str, choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented as the enum component `name` (no enum-name collisions)."""
    if name not in _ENUM_FIELDS:
        values = [choice[0] if isinstance(choice, tuple) else choice for choice in choices]
        field_class = type(f"{name}Field", (serializers.ChoiceField,), {})
        schema = {"type": "string", "enum": values}
        _ENUM_FIELDS[name] = extend_schema_field(schema, component_name=name)(field_class)
    return _ENUM_FIELDS[name](choices=choices, **kwargs)


def api_url(request, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs, request=request)


def html_url(request, obj) -> str:
    """The member page showing `obj` (its `get_absolute_url`, wired in settings)."""
    return request.build_absolute_uri(obj.get_absolute_url())


class InBook:
    """Serializers under one rule book read its slug from the context (no query per row)."""

    @property
    def slug(self) -> str:
        return self.context["slug"]

    @property
    def request(self):
        return self.context["request"]


class VersionSummarySerializer(InBook, serializers.ModelSerializer):
    """A version as shown inside a rule: what it says and since when."""

    rule = serializers.CharField(source="rule.key", help_text="The rule's key.")
    version = serializers.IntegerField(source="seq", help_text="The version number (1, 2 …).")
    provenance = enum_field(
        "Provenance",
        RuleVersion.Provenance.values,
        help_text="Where the wording comes from: `printed` (checked against the printed edition "
        "named in `source`), `reconstructed` (rebuilt from `source`, not the printed wording) or "
        "`adopted` (recorded by the tracker when the amendment in `source` was adopted).",
    )
    source = serializers.CharField(help_text="The edition or source of the wording.")
    parameters = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField(
        help_text="For each parameter stated as a share of counted quantities (its basis), "
        "the figure it comes to on the date asked for, with its working; parameters without a "
        "basis are absent. Filled in where the answer is read on a date (the rules list)."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = ["rule", "version", "number", "heading", "text", "effective_from", "repealed"]
        fields += ["provenance", "source", "parameters", "computed", "url"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_parameters(self, version) -> dict:
        return version.parameters

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Computed"}}
    )
    def get_computed(self, version) -> dict:
        # Set by `rulebook.quantities.attach_computed` (None: no basis, or not attached).
        return {
            pv.parameter.key: ComputedSerializer(pv.computed).data
            for pv in version.parameter_values.all()
            if getattr(pv, "computed", None) is not None
        }

    def get_url(self, version) -> str:
        key, seq = version.rule.key, version.seq
        return api_url(self.request, "version-detail", slug=self.slug, key=key, seq=seq)


class RuleEntrySerializer(InBook, serializers.Serializer):
    """One rule of the book on a date (a `selectors.Entry`)."""

    key = serializers.CharField(source="rule.key")
    parent = serializers.SerializerMethodField()
    depth = serializers.IntegerField(help_text="0 for a chapter, 1 for its clauses …")
    url = serializers.SerializerMethodField()
    version = VersionSummarySerializer(help_text="The version in force on the date.")

    def get_parent(self, entry) -> str | None:
        """The parent on the date (the version in force records it)."""
        return self.context["keys"].get(entry.version.parent_id)

    def get_url(self, entry) -> str:
        return api_url(self.request, "rule-detail", slug=self.slug, key=entry.rule.key)


class TimelinePointSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    until = serializers.DateField(allow_null=True, help_text="Null: no later value recorded.")
    value = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text="Today: `pending` (adopted, takes effect on `effective_from`), `in force` or "
        "`superseded`."
    )
    rule = serializers.CharField(source="version.rule.key")
    version = serializers.IntegerField(source="version.seq")

    def get_value(self, point) -> float | None:
        return None if point.value is None else json_number(point.value)

    @extend_schema_field(enum_field("TimelinePointStatus", POINT_STATUSES))
    def get_status(self, point) -> str:
        return point.status(self.context["today"])


# --- Computed thresholds (issue 13) ----------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else json_number(value)


class ComputedInputSerializer(serializers.Serializer):
    """One quantity the percentage is taken of, as read on the date, with its source."""

    key = serializers.CharField(help_text="The quantity's key.")
    label = serializers.CharField()
    value = serializers.SerializerMethodField(help_text="Null: no value recorded on the date.")
    effective_from = serializers.DateField(
        allow_null=True, help_text="The day the value was first recorded as so."
    )
    source = serializers.CharField()
    confidence = serializers.CharField(
        help_text="V verified in a contemporaneous source, P partial or secondary, U uncertain; "
        "empty when there is no value."
    )

    def get_value(self, item) -> float | None:
        return _number(item.value)


class ComputedSerializer(serializers.Serializer):
    """A percentage of a sum of quantities on a date, rounded as the rule says."""

    value = serializers.IntegerField(
        source="figure", allow_null=True, help_text="The whole number; null when unavailable."
    )
    available = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True, help_text="Why there is no figure.")
    percentage = serializers.SerializerMethodField()
    base = serializers.SerializerMethodField(help_text="The sum of the inputs' values.")
    exact = serializers.SerializerMethodField(help_text="The percentage of the base, unrounded.")
    rounding = serializers.CharField(help_text="up, down or nearest (halves up).")
    unit = serializers.CharField(help_text="What the figure counts, e.g. nominations.")
    working = serializers.CharField(
        help_text='The sum in words, e.g. "20 % of 198 Commons members of the PLP = 39.6 → 40 '
        'nominations".'
    )
    inputs = ComputedInputSerializer(many=True)

    def get_percentage(self, computed) -> float:
        return json_number(computed.percentage)

    def get_base(self, computed) -> float | None:
        return _number(computed.base)

    def get_exact(self, computed) -> float | None:
        return _number(computed.exact)


class ParameterSerializer(InBook, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField(
        help_text="On `at` (default today): the figure the value in force then comes to, with "
        "its working and inputs; null when that value states no basis (or none is in force)."
    )

    class Meta:
        model = Parameter
        fields = ["key", "label", "unit", "description", "url", "html_url", "timeline"]
        fields += ["computed"]

    def get_url(self, parameter) -> str:
        return api_url(self.request, "parameter-detail", slug=self.slug, key=parameter.key)

    def get_html_url(self, parameter) -> str:
        return html_url(self.request, parameter)

    @extend_schema_field(TimelinePointSerializer(many=True))
    def get_timeline(self, parameter):
        points = self.context["timelines"][parameter.pk]
        return TimelinePointSerializer(points, many=True, context=self.context).data

    @extend_schema_field(ComputedSerializer(allow_null=True))
    def get_computed(self, parameter):
        computed = self.context.get("computed", {}).get(parameter.pk)
        return None if computed is None else ComputedSerializer(computed).data


# --- Computed reads: diff, blame, changes, citations -----------------------------------------


class DiffOpSerializer(serializers.Serializer):
    op = enum_field("DiffOpKind", ["equal", "insert", "delete"])
    text = serializers.CharField()


class DiffStatsSerializer(serializers.Serializer):
    words_added = serializers.IntegerField()
    words_removed = serializers.IntegerField()
    words_unchanged = serializers.IntegerField()


class DiffSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's key.")
    from_version = VersionSummarySerializer()
    to_version = VersionSummarySerializer()
    ops = DiffOpSerializer(many=True, help_text="Applying them to the old text gives the new.")
    html = serializers.CharField(help_text="The new text with <ins> and <del>, HTML-escaped.")
    stats = DiffStatsSerializer()
    unified = serializers.CharField(help_text="A unified diff, one sentence or clause a line.")


class ChangeDiffSerializer(serializers.Serializer):
    html = serializers.CharField()
    stats = DiffStatsSerializer()


class PlacementParentSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.key", help_text="The parent's key.")
    number = serializers.CharField(help_text="The parent's number on that date.")


class ChangeSerializer(InBook, serializers.Serializer):
    kind = enum_field("ChangeKind", ["added", "repealed", "changed", "renumbered", "moved"])
    rule = serializers.CharField(source="rule.key")
    renumbered = serializers.BooleanField(help_text="The number differs (whatever the kind).")
    moved = serializers.BooleanField(
        help_text="It sits elsewhere in the tree: under another parent, or in another place "
        "among its siblings (whatever the kind)."
    )
    moved_from = PlacementParentSerializer(
        source="parent_before",
        allow_null=True,
        help_text="When moved: the parent it sat under on `from` (null: the top level).",
    )
    moved_to = PlacementParentSerializer(
        source="parent_after",
        allow_null=True,
        help_text="When moved: the parent it sits under on `to` (null: the top level).",
    )
    before = VersionSummarySerializer(allow_null=True)
    after = VersionSummarySerializer(allow_null=True)
    url = serializers.SerializerMethodField()
    diff = serializers.SerializerMethodField()

    def get_url(self, change) -> str:
        return api_url(self.request, "rule-detail", slug=self.slug, key=change.rule.key)

    @extend_schema_field(ChangeDiffSerializer(allow_null=True))
    def get_diff(self, change):
        if not change.text_changed:
            return None
        compared = diff.compare(change.before.text, change.after.text)
        return {"html": compared.html, "stats": compared.stats.as_dict()}


# `from` is a Python keyword, hence type() rather than a class statement.
ChangesSerializer = type(
    "ChangesSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "count": serializers.IntegerField(help_text="How many changes, on every page."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, if any."),
        "counts": serializers.DictField(
            child=serializers.IntegerField(),
            help_text="How many rules were added, repealed, changed, renumbered and moved, on "
            "every page (a changed rule may be renumbered or moved too).",
        ),
        "changes": ChangeSerializer(many=True, help_text="This page's changes."),
    },
)


class CitedVersionSerializer(InBook, serializers.Serializer):
    rule = serializers.CharField(source="version.rule.key")
    version = serializers.IntegerField(source="version.seq")
    number = serializers.CharField(source="version.number")
    effective_from = serializers.DateField(source="version.effective_from")
    until = serializers.DateField(allow_null=True, help_text="Null: still numbered so.")
    url = serializers.SerializerMethodField(help_text="The rule (API).")
    html_url = serializers.SerializerMethodField(help_text="The rule's page.")

    def get_url(self, citation) -> str:
        return api_url(self.request, "rule-detail", slug=self.slug, key=citation.rule.key)

    def get_html_url(self, citation) -> str:
        return html_url(self.request, citation.rule)


class CitationSerializer(InBook, serializers.Serializer):
    ref = serializers.CharField()
    at = serializers.DateField()
    rule = serializers.CharField(source="chosen.rule.key", help_text="The cited rule's key.")
    url = serializers.SerializerMethodField(help_text="The cited rule (API).")
    html_url = serializers.SerializerMethodField(help_text="The cited rule's page.")
    cited = CitedVersionSerializer(source="chosen", help_text="The version that bore the number.")
    citations = CitedVersionSerializer(many=True, help_text="Every version so numbered.")

    def get_url(self, data) -> str:
        return api_url(self.request, "rule-detail", slug=self.slug, key=data["chosen"].rule.key)

    def get_html_url(self, data) -> str:
        return html_url(self.request, data["chosen"].rule)
