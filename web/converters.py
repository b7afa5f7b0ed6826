"""Path converters for member pages: numbers in an address are checked before any view runs."""

from web.forms import MAX_INT


class PositiveIdConverter:
    """A version number or an id: 1 to 2**31 - 1. Anything else matches no page (404), so a
    20-digit number never reaches PostgreSQL's integer columns."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_INT:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)
