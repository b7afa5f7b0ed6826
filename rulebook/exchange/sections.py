"""Top-level sections that other apps add to rule book files (``proposals`` adds ``bodies``
and ``proposals``); ``rulebook`` never imports them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rulebook.models import Parameter, Rule, Rulebook, RuleVersion

if TYPE_CHECKING:
    from rulebook.exchange.checks import PlannedRule

CORE_SECTIONS = ("rulebook", "parameters", "rules")


@dataclass
class ImportContext:
    """What a registered section may rely on while it validates and loads.

    Before loading, `version_dates` and `parameter_keys` describe the file's own rules, and
    `planned` holds each checked rule (by key) with its checked versions, oldest first (the
    version with seq n is ``planned[key].versions[n - 1]``); rules or versions with problems
    may be missing. A section's `validate` may leave what it checked in `checked[name]`, for
    its own `load` and for the validation of later sections. During loading, `rules`,
    `versions` (by rule key and seq) and `parameters` hold the new rows, and `loaded` holds
    what each earlier section's load returned (sections validate and load in `order`).
    Numbers read from a file may be int or float subclasses that remember their digits: read
    values with `as_text`, `as_number` and `as_date` rather than by type.
    """

    data: dict
    version_dates: dict[str, list[datetime.date | None]]
    parameter_keys: set[str]
    planned: dict[str, PlannedRule] = field(default_factory=dict)
    checked: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    versions: dict[tuple[str, int], RuleVersion] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    loaded: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    validate: Callable[[Any, ImportContext], list[str]]
    load: Callable[[Any, Rulebook, ImportContext, Any], Any]
    dump: Callable[[Rulebook, datetime.date | None], list | None]
    order: int


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, *, validate, load, dump, order: int = 100) -> None:
    """Add a top-level section (e.g. "bodies") to rule book files; call from AppConfig.ready().

    - ``validate(value, context) -> list[str]``: every problem as a full "path: message"
      (``bodies[0].slug: …``), using `check_keys`, `as_text`, `as_date`, `as_number`.
    - ``load(value, rulebook, context, by)``: writes the rows, inside the import's transaction,
      only if no section reported a problem; its return value goes to ``context.loaded[name]``.
    - ``dump(rulebook, at) -> list | None``: the section for `rulebook_export`; empty means
      the section is left out.

    Sections load and dump in ascending `order`. Registering a name again replaces it.
    """
    if name in CORE_SECTIONS:
        raise ValueError(f"{name!r} is a core section of rule book files.")
    _SECTIONS[name] = Section(name=name, validate=validate, load=load, dump=dump, order=order)


def unregister_section(name: str) -> None:
    """Remove a registered section (for tests)."""
    _SECTIONS.pop(name, None)


def registered_sections() -> list[Section]:
    """The registered sections in the order they validate, load and dump."""
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.name))
