"""Query parameters, validated by small serializers so that bad input is a 400 naming the field.

The same serializers document the parameters in the OpenAPI schema
(`@extend_schema(parameters=[AtQuery])`). An empty value counts as absent (`?at=` is today).
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from rulebook.validators import date_problem


def read_query(request, serializer_class) -> dict:
    """The validated query parameters, or a 400 `{"<param>": ["problem"]}`."""
    data = {key: value for key, value in request.query_params.items() if value != ""}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RealDateField(serializers.DateField):
    """A YYYY-MM-DD date; a well-written day that never was (2021-02-30) is refused as "not a
    real date", as the member pages say (`rulebook.validators.date_problem`)."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            problem = date_problem(value)
            if problem is not None and "real date" in problem:
                raise serializers.ValidationError(f"{problem}.", code="invalid")
        return super().to_internal_value(value)


def _date(help_text: str, *, required: bool = False) -> serializers.DateField:
    return RealDateField(required=required, help_text=help_text)


class AtQuery(serializers.Serializer):
    """`?at=DATE`, the one name of "the date to read on" across the API, with `?on=` kept as
    an alias for clients of the bodies endpoint, which once took only `on`. Both may be
    given only if they agree: a client sending two different dates has a bug to hear of."""

    at = _date("The date to read on, YYYY-MM-DD. Default: today.")
    on = _date("An alias of `at`, kept for older clients; if both are given they must agree.")

    def validate(self, attrs):
        at, on = attrs.get("at"), attrs.pop("on", None)
        if at is not None and on is not None and at != on:
            raise serializers.ValidationError(
                {
                    "on": [
                        f"'on' is an alias of 'at' and must agree with it: at={at.isoformat()}, "
                        f"on={on.isoformat()}. Send only 'at'."
                    ]
                }
            )
        attrs["at"] = at or on or timezone.localdate()
        return attrs


class CiteQuery(AtQuery):
    ref = serializers.CharField(
        max_length=60,
        help_text="A citation label in any numbering a rule ever had, e.g. 4.II.2.B.i.",
    )


def _from_to_validate(self, attrs):
    attrs.setdefault("to", timezone.localdate())
    if attrs["from"] > attrs["to"]:
        raise serializers.ValidationError({"to": ["Must not be before 'from'."]})
    return attrs


# `from` is a Python keyword, hence type() rather than a class statement.
ChangesQuery = type(
    "ChangesQuery",
    (serializers.Serializer,),
    {
        "from": _date("Compare the rule book in force on this date …", required=True),
        "to": _date("… with the one in force on this date (default today)."),
        "validate": _from_to_validate,
        "__doc__": "?from=DATE&to=DATE",
    },
)

DiffQuery = type(
    "DiffQuery",
    (serializers.Serializer,),
    {
        "from": serializers.IntegerField(
            min_value=1, max_value=2_147_483_647, help_text="The version to compare from."
        ),
        "to": serializers.IntegerField(
            min_value=1, max_value=2_147_483_647, help_text="The version to compare to."
        ),
        "__doc__": "?from=<version>&to=<version>",
    },
)
