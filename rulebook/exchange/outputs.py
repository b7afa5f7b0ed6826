"""Output formats that other apps add to `export_rulebook` (``web`` adds ``pdf`` and
``akn``); ``rulebook`` never imports them.

The PDF edition and the Akoma Ntoso file show each version with the proposal that adopted
it, which only ``proposals`` knows; so they are rendered above both domain apps and plugged
in here from ``AppConfig.ready()``, as `rulebook.exchange.sections` does for file sections.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from rulebook.models import Rulebook


@dataclass(frozen=True)
class OutputFormat:
    name: str
    extension: str  # ".pdf": `export_rulebook --output book.pdf` picks the format by it
    # (rulebook, at) -> the file's bytes; `at` is the day the rule book is read on.
    render: Callable[[Rulebook, datetime.date], bytes]
    help: str


_FORMATS: dict[str, OutputFormat] = {}


def register_output_format(name: str, *, extension: str, render, help: str) -> None:
    """Add a format to `export_rulebook --format`; call from AppConfig.ready().

    Registering a name again replaces it."""
    _FORMATS[name] = OutputFormat(name=name, extension=extension, render=render, help=help)


def registered_output_formats() -> dict[str, OutputFormat]:
    """The registered formats by name, in name order."""
    return dict(sorted(_FORMATS.items()))
