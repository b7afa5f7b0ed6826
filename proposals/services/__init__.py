"""Writes to proposals, amendments and votes. Every service is keyword-only, atomic,
validating (django.core.exceptions.ValidationError with field-keyed messages) and audited.

Views, the admin, the API and management commands import from here:
`from proposals.services import proposal_adopt`.
"""

from proposals.services.adoption import StaleAmendments, proposal_adopt
from proposals.services.drafting import (
    amendment_add,
    amendment_remove,
    amendment_update,
    proposal_create,
    proposal_update,
)
from proposals.services.rebase import (
    ConflictView,
    RebaseResult,
    Resolution,
    amendment_conflict,
    amendment_rebase,
    amendment_resolve_conflict,
    proposal_rebase,
)
from proposals.services.workflow import (
    proposal_remit,
    proposal_submit,
    proposal_withdraw,
    vote_record,
    vote_void,
)

__all__ = [
    "ConflictView",
    "RebaseResult",
    "Resolution",
    "StaleAmendments",
    "amendment_add",
    "amendment_conflict",
    "amendment_rebase",
    "amendment_remove",
    "amendment_resolve_conflict",
    "amendment_update",
    "proposal_adopt",
    "proposal_create",
    "proposal_rebase",
    "proposal_remit",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "vote_record",
    "vote_void",
]
