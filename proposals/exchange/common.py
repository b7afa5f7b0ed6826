"""Value checks shared by the bodies and proposals sections, in the style of
`rulebook.exchange.values` (every problem appended to `errors` as "path: message")."""

from __future__ import annotations

from decimal import Decimal

from rulebook.exchange.values import as_number, as_text, describe

# PositiveIntegerField is safe up to this on every supported database.
LARGEST_COUNT = 2_147_483_647


def choice(value, path: str, errors: list[str], choices, *, default=None) -> str | None:
    """`value` as one of a TextChoices' values (`default` when absent), or None after
    reporting why not."""
    if value is None:
        if default is None:
            errors.append(f"{path}: is required")
        return default
    text = as_text(value, path, errors)
    if text is None:
        return None
    if text not in choices.values:
        errors.append(f"{path}: {text!r} is not one of {', '.join(choices.values)}")
        return None
    return text


def flag(value, path: str, errors: list[str], *, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.append(f"{path}: expected true or false, found {describe(value)}")
        return default
    return value


def whole_number(value, path: str, errors: list[str], *, low: int = 0, high: int = LARGEST_COUNT):
    """`value` as an int between `low` and `high`, None when absent or after reporting why
    not."""
    if value is None:
        return None
    number = as_number(value, path, errors)
    if number is None:
        return None
    if number != number.to_integral_value():
        errors.append(f"{path}: {number} is not a whole number")
        return None
    if not low <= number <= high:
        errors.append(f"{path}: {number} is not between {low} and {high}")
        return None
    return int(number)


def seq(value, path: str, errors: list[str]) -> int | None:
    """A version number (seq) as written in a file: a whole number from 1."""
    return whole_number(value, path, errors, low=1)


def decimals(values: dict) -> dict[str, Decimal]:
    """Parameter values stored as JSON numbers, as exact Decimals for comparing."""
    return {
        key: Decimal(value if isinstance(value, int) else repr(float(value)))
        for key, value in values.items()
    }
