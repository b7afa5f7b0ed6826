"""Two adoptions racing on one rule, on PostgreSQL: exactly one wins, the other is stale."""

import datetime
import threading

import pytest
from django.db import connection

from proposals.services import StaleAmendments, proposal_adopt
from tests.factories import ProposalFactory, RuleFactory, add_version, amend


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_adoptions_racing_on_one_rule_leave_exactly_one_winner(rulebook):
    rule = RuleFactory(rulebook=rulebook, key="c4-ii-2-b-i")
    add_version(rule, "2016-01-01", "15 per cent")
    add_version(rule, "2017-09-27", "10 per cent")
    other = RuleFactory(rulebook=rulebook, key="c5-iv-5")
    add_version(other, "2016-01-01", "a majority of branches")
    proposals = [
        ProposalFactory(
            rulebook=rulebook,
            amendments=[amend(rule, "20 per cent"), amend(other, "one half")],
            carried=True,
        ),
        ProposalFactory(rulebook=rulebook, amendments=[amend(rule, "25 per cent")], carried=True),
    ]
    barrier = threading.Barrier(len(proposals))
    outcomes: dict[int, object] = {}

    def adopt(index, proposal):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = proposal_adopt(
                proposal=proposal, effective_from=datetime.date(2026, 9, 29 - index)
            )
        except Exception as error:  # recorded, then asserted on in the main thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt, args=pair) for pair in enumerate(proposals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [i for i, o in outcomes.items() if isinstance(o, list)]
    losers = [i for i, o in outcomes.items() if isinstance(o, StaleAmendments)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    seqs = list(rule.versions.order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2, 3]
    expected_other = 2 if winners == [0] else 1  # the loser's other rule is untouched
    assert other.versions.count() == expected_other
    for proposal in proposals:
        proposal.refresh_from_db()
    assert sorted(p.status for p in proposals) == ["adopted", "carried"]
