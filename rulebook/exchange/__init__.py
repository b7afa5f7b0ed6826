"""Whole rule books in and out as JSON or YAML files (DESIGN.md, "Import/export file").

The same structure in both formats::

    rulebook:   {slug, title, description?}
    parameters: [{key, label?, unit?, description?}]      # optional
    rules:      [{key, parent?, versions: [...]}]          # document order, parent before child
                # a version: {number, heading?, text?, effective_from, parameters?, note?,
                #             provenance, source, parent?+position? (where it sat, if elsewhere)}
    <section>:  [...]                                      # registered by other apps (bodies …)

One module per job; this package re-exports the public API:

- `formats`: `read_document` and `dump_document` (text ⇄ parsed document, JSON or YAML);
- `checks`: `validate_document`, every problem by path, and the format decisions;
- `placements`: how a version that sat elsewhere (before a move) is written and read back;
- `importing` / `exporting`: `rulebook_import` and `rulebook_export`;
- `sections`: `register_section` for sections other apps add (``proposals`` registers
  ``bodies`` and ``proposals``, see `proposals.exchange`); ``rulebook`` never imports them;
- `values`: `check_keys`, `as_text`, `as_date`, `as_number` for those sections' checks;
- `markdown`: `render_markdown`, the rule book as in force on a date, to read.
"""

from rulebook.exchange.checks import validate_document
from rulebook.exchange.exporting import rulebook_export
from rulebook.exchange.formats import FORMATS, dump_document, read_document
from rulebook.exchange.importing import rulebook_import
from rulebook.exchange.markdown import render_markdown
from rulebook.exchange.sections import ImportContext, register_section, unregister_section
from rulebook.exchange.values import (
    InvalidRulebookFile,
    as_date,
    as_number,
    as_text,
    check_keys,
    parse_date,
)

__all__ = [
    "FORMATS",
    "ImportContext",
    "InvalidRulebookFile",
    "as_date",
    "as_number",
    "as_text",
    "check_keys",
    "dump_document",
    "parse_date",
    "read_document",
    "register_section",
    "render_markdown",
    "rulebook_export",
    "rulebook_import",
    "unregister_section",
    "validate_document",
]
