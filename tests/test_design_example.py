"""The file sketched in DESIGN.md, written the way an outside user would copy it, imports."""

import datetime

import pytest

from proposals.models import Body, Membership
from rulebook.exchange import read_document, rulebook_import
from rulebook.models import RuleVersion

DESIGN_SKETCH = """
rulebook: {slug: labour-sketch, title: Labour Party Rule Book}
rules:
  - key: c4
    versions:
      - {number: "Chapter 4", heading: Elections, text: "", effective_from: 2013-01-01}
  - key: c4-ii-2-b-i
    parent: c4
    versions:
      - number: 4.II.2.B.i
        heading: Nominations when there is a vacancy
        text: "In the case of a vacancy for leader or deputy leader, each nomination ..."
        effective_from: 2016-01-01
        parameters: {leader_nomination_mp_threshold: 15}
        note: text as printed in the 2016 rule book
      - {number: 4.II.2.B.i, heading: Nominations when there is a vacancy,
         text: "... 10 per cent ...", effective_from: 2017-09-27,
         parameters: {leader_nomination_mp_threshold: 10}}
      - {repealed: true, effective_from: 2030-01-01}
parameters:
  - {key: leader_nomination_mp_threshold, label: MPs needed to nominate, unit: "%"}
bodies:
  - {slug: nec, name: National Executive Committee, decides: false,
     members: [{name: Yasmine Dar, seat: CLP section, from: 2018-01-15, until: null}]}
  - {slug: conference, name: Annual Conference, decides: true}
"""


@pytest.mark.django_db
def test_the_design_sketch_imports_with_bodies_of_a_sensible_kind():
    book = rulebook_import(data=read_document(DESIGN_SKETCH, format="yaml"))
    versions = RuleVersion.objects.filter(rule__rulebook=book, rule__key="c4-ii-2-b-i")
    assert [v.seq for v in versions.order_by("seq")] == [1, 2, 3]
    assert versions.in_force(on=datetime.date(2018, 1, 1)).get().text == "... 10 per cent ..."
    kinds = dict(Body.objects.filter(rulebook=book).values_list("slug", "kind"))
    assert kinds == {"nec": "committee", "conference": "conference"}
    assert Membership.objects.on(datetime.date(2018, 2, 1)).get().name == "Yasmine Dar"
