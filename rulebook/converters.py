"""Path converters shared by the member pages and the API: rule and parameter keys, and
ids and version numbers.

What an address names is checked against its format before any view runs: anything else (a
NUL byte, CR/LF, an over-long key, a 20-digit number) matches no address and is a 404, so it
never reaches the database (PostgreSQL answers a NUL byte or an integer out of range with an
error, not an empty result).
"""

from django.urls import register_converter

from rulebook.models import KEY_MAX_LENGTH, KEY_PATTERN, PARAMETER_KEY_PATTERN

MAX_ID = 2**31 - 1


class _Key:
    regex = ""
    max_length = 0

    def to_python(self, value: str) -> str:
        if len(value) > self.max_length:
            raise ValueError(value)  # no match: a 404
        return value

    def to_url(self, value) -> str:
        return str(value)


class RuleKeyConverter(_Key):
    regex = KEY_PATTERN.strip("^$")
    max_length = KEY_MAX_LENGTH


class ParameterKeyConverter(_Key):
    regex = PARAMETER_KEY_PATTERN.strip("^$")
    max_length = KEY_MAX_LENGTH


class PositiveIdConverter:
    """A version number or an id: 1 to 2**31 - 1 (PostgreSQL's integer)."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    """`<rule_key:…>`, `<parameter_key:…>` and `<id:…>` for the URLconfs (AppConfig.ready)."""
    register_converter(RuleKeyConverter, "rule_key")
    register_converter(ParameterKeyConverter, "parameter_key")
    register_converter(PositiveIdConverter, "id")
