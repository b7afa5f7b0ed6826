"""The ``bodies`` and ``proposals`` sections of rule book files (DESIGN.md, "Import/export
file"), registered with `rulebook.exchange` from `ProposalsConfig.ready()`.

Shapes: `proposals.exchange.bodies` (bodies with members and terms),
`proposals.exchange.proposals` (proposals), `proposals.exchange.amendments` and
`proposals.exchange.votes` (their amendments and votes, with card-vote sections and roll
calls).

Decisions:

- Import restores history, it does not re-enact it: rows are written directly, in bulk, in
  the rule book's import transaction; `proposal_adopt` is not called (the versions are already
  in the file). The invariants the services enforce are checked instead, every problem by path
  (``proposals[2].amendments[0].rule: unknown rule 'x'``): a vote's result follows from its
  figures (`proposals.services.tally`); a decision is taken once, by a body entitled to decide
  or, only to lose the proposal, by one that is not (the NEC); roll-call members sat on the
  body that day; a status is one the workflow can reach; an adopted proposal's amendments each
  name the version they produced, which is their rule's version right after their base
  version, and no version is produced twice.
- Versions are named by seq (1 = a rule's first version) within the file's own rules.
- Exports list bodies parents first and proposals, amendments and votes in the order they
  were made, so export → import into an empty database → export gives the same file.
- An export `at` a date (``export_rulebook --at``) leaves out both sections: it is the rule
  book as in force that day, one version per rule, renumbered from 1, so the proposals'
  base and produced versions could not point into it, and without them the bodies are of no
  use. Export the whole history to move proposals and bodies.
- Not written: who created a row and when, the audit trail and the log of rebases (how a
  draft's text came about); they belong to the database the file came from.
"""

from proposals.exchange import bodies as bodies_section
from proposals.exchange import proposals as proposals_section
from rulebook.exchange import register_section

# Bodies first: the proposals' votes name them.
SECTIONS = (("bodies", bodies_section, 100), ("proposals", proposals_section, 110))


def register_sections() -> None:
    """Add ``bodies`` and ``proposals`` to rule book files (idempotent)."""
    for name, module, order in SECTIONS:
        register_section(
            name, validate=module.validate, load=module.load, dump=module.dump, order=order
        )
