"""The drafting admin: proposals with their amendments and votes, bodies and their members.

Every write goes through `proposals.services`; see `proposal.py` for how the change form
saves and `workflow.py` for the workflow buttons.
"""

from proposals.admin import bodies, proposal

__all__ = ["bodies", "proposal"]
