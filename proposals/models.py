"""Rule-change proposals, their amendments, the bodies that vote on them, and their votes.

Writes go through `proposals.services`; these models hold the record and the database
constraints that keep it possible (non-negative counts, percentages 0..100, one decision vote
per proposal …). A rule version learns which amendment produced it through
`version.amendment` (the reverse of `Amendment.produced_version`): `rulebook` never imports
`proposals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from rulebook.diff import TextDiff, compare
from rulebook.models import Rule, Rulebook, RuleVersion, key_validator
from rulebook.search_syntax import ParsedQuery, as_q


class DecisionRecordError(Exception):
    """Raised when code tries to delete an adopted proposal or what it was decided on: its
    amendments (and their rebases) and its votes (with their card-vote sections and roll
    call). They are the record behind the rule versions the adoption produced (issue 11);
    PostgreSQL refuses the same in SQL (migration 0006)."""


class KeepsAdoptedQuerySet(models.QuerySet):
    """`delete()` refuses rows that belong to an adopted proposal; the rest (a draft's
    amendments, which drafting replaces) are deleted as usual. The model names the way from a
    row to its proposal in `PROPOSAL_PATH` ("" for a proposal itself)."""

    def delete(self):
        refuse_deleting_adopted(self)
        return super().delete()

    delete.queryset_only = True
    delete.alters_data = True


def refuse_deleting_adopted(queryset: models.QuerySet) -> None:
    """Raise `DecisionRecordError` if any row of `queryset` belongs to an adopted proposal
    (one query)."""
    model = queryset.model
    path = model.PROPOSAL_PATH
    prefix = f"{path}__" if path else ""
    adopted = (
        queryset.filter(**{f"{prefix}status": "adopted"})
        .values_list(f"{prefix}reference", flat=True)
        .distinct()
        .order_by()
    )
    references = sorted(adopted)
    if references:
        plural = model._meta.verbose_name_plural
        raise DecisionRecordError(
            f"Proposal {', '.join(references)} is adopted: its {plural} are the record behind "
            "the rule versions it produced and cannot be deleted."
            if path
            else f"Proposal {', '.join(references)} is adopted: it is the record behind the "
            "rule versions it produced and cannot be deleted."
        )


class KeepsAdopted(models.Model):
    """A row that cannot be deleted once its proposal is adopted (`KeepsAdoptedQuerySet`)."""

    PROPOSAL_PATH = "proposal"

    objects = KeepsAdoptedQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        # Read the status from the database: this instance may be older than the adoption.
        refuse_deleting_adopted(type(self)._default_manager.filter(pk=self.pk))
        return super().delete(*args, **kwargs)


# Card-vote percentages are printed rounded to two places, so a section's for and against
# may add up to a hair over 100 (e.g. 60.03 + 39.98). Anything beyond this is a typo.
PERCENT_TOLERANCE = Decimal("0.05")


class Body(models.Model):
    """A body that votes on proposals: the NEC, Conference, an NEC committee."""

    class Kind(models.TextChoices):
        NEC = "nec", "National Executive Committee"
        CONFERENCE = "conference", "Conference"
        COMMITTEE = "committee", "Committee"

    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="bodies")
    slug = models.SlugField(max_length=60, help_text="Short name used in the API, e.g. 'nec'.")
    name = models.CharField(max_length=200, help_text="e.g. 'National Executive Committee'.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    decides = models.BooleanField(
        "entitled to decide rule changes",
        default=False,
        help_text="Only a decision vote by such a body (Conference) can carry a proposal. Another "
        "body (the NEC) can take a decision only to lose it: the proposal falls there.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        help_text="For an NEC committee: the NEC. Empty otherwise.",
    )

    class Meta:
        ordering = ["rulebook", "name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "slug"], name="proposals_body_slug_unique"),
        ]

    def __str__(self):
        return self.name


def term_covers(start, end, day) -> bool:
    """Whether a term from `start` until `end` (None: still serving) covers `day`: both ends
    are days served. `MembershipQuerySet.on` is the same rule in SQL; the importer applies
    this to the terms of a file before they are rows."""
    return start is not None and start <= day and (end is None or day <= end)


class MembershipQuerySet(models.QuerySet):
    def on(self, date):
        """Memberships current on `date` (see `term_covers`)."""
        return self.filter(start__lte=date).filter(Q(end__isnull=True) | Q(end__gte=date))


class Membership(models.Model):
    """One person's term on a body, e.g. Yasmine Dar, CLP section of the NEC, from 2018-01-15."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships")
    name = models.CharField(max_length=200, help_text="The member's name as published.")
    seat = models.CharField(max_length=200, blank=True, help_text="e.g. 'CLP section'.")
    start = models.DateField("from", help_text="First day of the term.")
    end = models.DateField(
        "until", null=True, blank=True, help_text="Last day of the term; empty while serving."
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body", "name", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="proposals_membership_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.body.slug}, from {self.start})"

    def covers(self, day) -> bool:
        return term_covers(self.start, self.end, day)


# The order proposals are listed in, everywhere (pages, API, admin): the newest Conference
# first, proposals not yet put to a Conference last (NULLS LAST: PostgreSQL would otherwise
# put them first, SQLite last), then by reference.
LISTED_ORDER = [F("conference_year").desc(nulls_last=True), "reference", "pk"]


# Who may read draft proposals: staff who draft or keep the record (`proposals.roles`), as
# in the admin. Everyone else — members, anonymous API clients — sees a proposal from its
# submission on (issue 9: drafts are private).
DRAFT_READER_PERMISSIONS = ("proposals.view_proposal", "proposals.change_proposal")


def sees_drafts(user) -> bool:
    """Whether `user` may read draft proposals (see `DRAFT_READER_PERMISSIONS`)."""
    if user is None or not user.is_authenticated:
        return False
    return any(user.has_perm(permission) for permission in DRAFT_READER_PERMISSIONS)


class ProposalQuerySet(KeepsAdoptedQuerySet):
    def public(self):
        """The proposals anyone may read: every one but drafts."""
        return self.exclude(status=Proposal.Status.DRAFT)

    def visible_to(self, user):
        """The proposals `user` may read: all of them for a draft reader (`sees_drafts`), the
        `public` ones for anybody else. Every page, feed and API answer that shows proposals
        reads them through here."""
        return self if sees_drafts(user) else self.public()

    def listed(self):
        """In the order proposals are listed (see `LISTED_ORDER`)."""
        return self.order_by(*LISTED_ORDER)

    def with_details(self):
        """With amendments (in order, with staleness) and votes (with figures): three queries
        for the proposals, their amendments and their votes, plus two for the figures."""
        amendments = (
            Amendment.objects.with_staleness()
            .select_related("rule", "base_version", "parent", "after", "produced_version")
            .order_by("order")
        )
        return self.prefetch_related(
            Prefetch("amendments", queryset=amendments),
            Prefetch("votes", queryset=Vote.objects.with_figures().order_by("held_on", "id")),
        )

    def stale(self):
        """Proposals with at least one stale amendment (see `AmendmentQuerySet.stale`)."""
        return self.filter(Exists(Amendment.objects.stale().filter(proposal=OuterRef("pk"))))

    def search(self, query: ParsedQuery):
        """Proposals whose title, rationale or adoption note match `query` (parsed by
        `rulebook.search_syntax`, so the syntax means what it means for rules), those that
        match in the title first, then in listed order. Proposals are few per book and their
        texts short, so a case-insensitive match of each term is enough, and is the same on
        both databases."""
        in_title = Case(When(as_q(query, ("title",)), then=Value(0)), default=Value(1))
        return (
            self.filter(as_q(query, ("title", "rationale", "adoption_note")))
            .annotate(title_first=in_title)
            .order_by("title_first", *LISTED_ORDER)
        )


class Proposal(KeepsAdopted):
    """A rule-change proposal with its amendments and a status workflow. Once adopted it is
    never deleted (`KeepsAdopted`)."""

    PROPOSAL_PATH = ""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REMITTED = "remitted", "Remitted"
        ADOPTED = "adopted", "Adopted"

    class Action(models.TextChoices):
        """The steps of the workflow; which status allows which is `TRANSITIONS`."""

        EDIT = "edit", "Edit"
        SUBMIT = "submit", "Submit"
        VOTE = "vote", "Record a vote"
        ADOPT = "adopt", "Adopt"
        REBASE = "rebase", "Rebase"
        WITHDRAW = "withdraw", "Withdraw"
        REMIT = "remit", "Remit"

    rulebook = models.ForeignKey(Rulebook, on_delete=models.PROTECT, related_name="proposals")
    reference = models.CharField(
        max_length=60, help_text="Unique in the rule book, e.g. '2026/4'. Shown in messages."
    )
    title = models.CharField(max_length=300)
    proposer = models.CharField(
        max_length=200, help_text="Who moved it: 'NEC', 'Northfield CLP', 'Unite' …"
    )
    rationale = models.TextField(blank=True, help_text="The proposer's supporting statement.")
    submitted_on = models.DateField(
        null=True, blank=True, help_text="Set when the proposal is submitted."
    )
    conference_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The Conference that debates it, e.g. 2021."
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        help_text="Changed only by the workflow actions (submit, vote, withdraw, remit, adopt).",
    )
    adopted_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The day the adoption was recorded."
    )
    adoption_note = models.TextField(
        blank=True,
        editable=False,
        help_text="Why a superuser adopted without a carried decision vote (consolidation …).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = LISTED_ORDER
        permissions = [
            ("adopt_proposal", "Can adopt a carried proposal, creating rule versions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rulebook", "reference"], name="proposals_proposal_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="adopted", adopted_on__isnull=False)
                | (~Q(status="adopted") & Q(adopted_on__isnull=True)),
                name="proposals_proposal_adopted_on_iff_adopted",
            ),
            models.CheckConstraint(
                condition=Q(conference_year__isnull=True)
                | Q(conference_year__gte=1900, conference_year__lte=2200),
                name="proposals_proposal_conference_year_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def decision(self) -> Vote | None:
        """The decision vote that counts (not voided), or None; reads the prefetched votes
        (`with_details`) when there are."""
        return next(
            (v for v in self.votes.all() if v.is_counted and v.stage == Vote.Stage.DECISION), None
        )

    @property
    def adopted_without_decision(self) -> bool:
        """Adopted by a superuser with a note, with no carried decision vote that counts."""
        if self.status != self.Status.ADOPTED:
            return False
        decision = self.decision()
        return decision is None or decision.result != Vote.Result.CARRIED

    def allows(self, action: str, *, with_note: bool = False) -> bool:
        """Whether the workflow allows `action` in the proposal's status; `with_note`: as a
        superuser giving a note (adoption only, see `Transition.with_note_from`)."""
        transition = TRANSITIONS[action]
        sources = transition.with_note_from if with_note else transition.sources
        return self.status in sources

    def require(self, action: str, *, with_note: bool = False) -> None:
        """Refuse `action` unless the workflow allows it in the current status, e.g.
        "Proposal 2026/4 is lost; only a carried proposal can be adopted." (code "status")."""
        if self.allows(action, with_note=with_note):
            return
        transition = TRANSITIONS[action]
        sources = transition.with_note_from if with_note else transition.sources
        even = "even with a note " if with_note else ""
        raise ValidationError(
            {
                "status": ValidationError(
                    f"Proposal {self.reference} is {self.status}; {even}only a "
                    f"{_or_list(sources)} proposal can be {transition.done}.",
                    code="status",
                )
            }
        )


def _or_list(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class Transition:
    """One action of the workflow: from which statuses, to which (as django-fsm's
    `@transition(source=…, target=…)`)."""

    sources: tuple[str, ...]
    target: str | None  # None: the status is unchanged, or decided by the step (a vote)
    done: str  # "… can be {done}", in refusals
    with_note_from: tuple[str, ...] = ()  # a superuser giving a note may also act from these


_Status, _Action = Proposal.Status, Proposal.Action
_OPEN = (_Status.DRAFT, _Status.SUBMITTED, _Status.CARRIED)  # not yet adopted, lost or ended

# draft ─submit→ submitted ─decision vote→ carried ─adopt→ adopted
#   │                │                   → lost
#   └──withdraw──────┴─withdraw→ withdrawn
#                    └─remit→ remitted
TRANSITIONS: dict[str, Transition] = {
    _Action.EDIT: Transition((_Status.DRAFT,), None, "edited"),
    _Action.SUBMIT: Transition((_Status.DRAFT,), _Status.SUBMITTED, "submitted"),
    # Only a decision changes the status (to carried or lost, by its result).
    _Action.VOTE: Transition((_Status.SUBMITTED,), None, "voted on"),
    # A carried decision by a body entitled to decide; or a superuser's consolidation or
    # correction, with a note, of any proposal still open.
    _Action.ADOPT: Transition((_Status.CARRIED,), _Status.ADOPTED, "adopted", _OPEN),
    # Rebasing keeps an open proposal adoptable; adopted, lost or ended ones are history.
    _Action.REBASE: Transition(_OPEN, None, "rebased"),
    _Action.WITHDRAW: Transition(
        (_Status.DRAFT, _Status.SUBMITTED), _Status.WITHDRAWN, "withdrawn"
    ),
    # Remitting (referring back to the NEC) is what Conference does instead of deciding a
    # motion put to it: only a submitted proposal, before any decision. A draft was never put
    # to Conference (withdraw it instead); once carried or lost it has been decided.
    _Action.REMIT: Transition((_Status.SUBMITTED,), _Status.REMITTED, "remitted"),
}


# The statuses a decision vote sets, by its result; the step before them.
DECIDED = (_Status.CARRIED, _Status.LOST)


def status_from_votes(status: str, decision: str | None) -> str:
    """The status a proposal takes from the result of its decision vote that counts (None:
    none counts). A decision moves a submitted proposal to carried or lost; voiding it moves
    the proposal back to submitted, to be decided anew. Other statuses are not the votes' to
    set (a draft has none, withdrawn and remitted ended before a decision, adopted is
    history): they stay."""
    if status != _Status.SUBMITTED and status not in DECIDED:
        return status
    return decision or _Status.SUBMITTED


class AmendmentQuerySet(KeepsAdoptedQuerySet):
    def visible_to(self, user):
        """The amendments of the proposals `user` may read (`ProposalQuerySet.visible_to`)."""
        return self.filter(proposal__in=Proposal.objects.visible_to(user))

    def with_staleness(self):
        """Annotate `latest_seq` (the rule's newest version number, pending ones included)
        and `is_stale`, the one definition of a stale amendment: not yet adopted, and its rule
        has a newer version than the base it was drafted against. `Amendment.is_stale` reads
        the annotation when present."""
        newer = RuleVersion.objects.filter(
            rule=OuterRef("rule"), seq__gt=OuterRef("base_version__seq")
        )
        latest = (
            RuleVersion.objects.filter(rule=OuterRef("rule")).order_by("-seq").values("seq")[:1]
        )
        stale = Q(produced_version__isnull=True, base_version__isnull=False) & Q(Exists(newer))
        return self.annotate(
            latest_seq=Subquery(latest),
            is_stale=models.ExpressionWrapper(stale, output_field=models.BooleanField()),
        )

    def stale(self):
        """The stale amendments (see `with_staleness`)."""
        return self.with_staleness().filter(is_stale=True)


class Amendment(KeepsAdopted):
    """One change to one rule, drafted against a base version of it."""

    class Kind(models.TextChoices):
        AMEND = "amend", "Amend text"
        INSERT = "insert", "Insert a new rule"
        REPEAL = "repeal", "Repeal"
        RENUMBER = "renumber", "Renumber or move"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amendments")
    order = models.PositiveSmallIntegerField(default=1, help_text="Place within the proposal.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rule = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text="The rule changed. For an insert, empty until adoption creates the rule.",
    )
    base_version = models.ForeignKey(
        RuleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version the amendment was drafted against (empty for an insert).",
    )
    new_key = models.CharField(
        max_length=100,
        blank=True,
        validators=[key_validator],
        help_text="Insert only: the stable key of the new rule.",
    )
    parent = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Insert or move: the rule to place it under (empty: the top level).",
    )
    after = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Insert or move: the sibling it follows (empty: last under its parent).",
    )
    number = models.CharField(max_length=60, blank=True, help_text="Proposed citation label.")
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True, help_text="Proposed full text of the rule.")
    parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text='Parameter values the new text states, e.g. {"mp_threshold": 20}.',
    )
    produced_version = models.OneToOneField(
        RuleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="amendment",
        help_text="The rule version that adoption created from this amendment.",
    )
    conflict = models.BooleanField(
        default=False,
        editable=False,
        help_text="A rebase could not merge the text; blocks adoption until resolved.",
    )
    conflict_text = models.TextField(
        blank=True, editable=False, help_text="The merge with conflict markers, to resolve by hand."
    )
    conflict_version = models.ForeignKey(
        RuleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The version the conflicting rebase was against; resolving moves the base here.",
    )

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "order"], name="proposals_amendment_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="insert", base_version__isnull=True) & ~Q(new_key="")
                | ~Q(kind="insert") & Q(rule__isnull=False, base_version__isnull=False),
                name="proposals_amendment_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(conflict=False) | Q(conflict_version__isnull=False),
                name="proposals_amendment_conflict_has_version",
            ),
        ]

    def __str__(self):
        """In people's words: "Amend text: 4.II.2.B.i Nominations when there is a vacancy"
        (the base version's number and heading; a new rule's proposed ones)."""
        if self.kind == self.Kind.INSERT:
            named = f"{self.number} {self.heading}".strip() or self.new_key
        else:
            base = self.base_version if self.base_version_id else None
            named = f"{base.number} {base.heading}".strip() if base and not base.repealed else ""
            named = named or (self.rule.key if self.rule_id else "")
        return f"{self.get_kind_display()}: {named}"

    @property
    def is_stale(self) -> bool:
        """See `AmendmentQuerySet.with_staleness`, whose annotation this reads when present
        (one query otherwise)."""
        if "is_stale" in self.__dict__:
            return self.__dict__["is_stale"]
        return Amendment.objects.stale().filter(pk=self.pk).exists()

    @is_stale.setter
    def is_stale(self, value: bool) -> None:
        # The annotation of `with_staleness` is set through here.
        self.__dict__["is_stale"] = value

    def stale_reason(self) -> str:
        """Why adoption refuses this amendment, e.g. "drafted against c4-ii v1; the rule is
        now at v2" or "c4-ii has an unresolved conflict": the one wording of staleness, which
        the adoption refusal, the admin and the admissibility warnings put in their sentences.
        """
        key = self.rule.key
        if self.conflict:
            return f"{key} has an unresolved conflict"
        latest = self.__dict__.get("latest_seq")
        if latest is None:
            latest = self.rule.versions.order_by("-seq").values_list("seq", flat=True).first()
        return f"drafted against {key} v{self.base_version.seq}; the rule is now at v{latest}"

    def proposed_diff(self, **labels) -> TextDiff:
        """The change it proposes to the text: the base version's text → the proposed text.

        An insert starts from nothing, a repeal ends in nothing, and a renumber leaves the
        text as it is (it changes the number and place only). Raises
        `rulebook.diff.DiffInputTooLarge` like `compare`.
        """
        before = self.base_version.text if self.base_version_id else ""
        if self.kind == self.Kind.REPEAL:
            after = ""
        elif self.kind == self.Kind.RENUMBER:
            after = before
        else:
            after = self.text
        return compare(before, after, **labels)


class AmendmentRebase(KeepsAdopted):
    """One rebase of an amendment onto a newer version of its rule."""

    PROPOSAL_PATH = "amendment__proposal"

    class Outcome(models.TextChoices):
        CLEAN = "clean", "Merged cleanly"
        CONFLICT = "conflict", "Conflict, base unchanged"
        RESOLVED = "resolved", "Conflict resolved by hand"

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="rebases")
    from_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="+", help_text="Base before."
    )
    to_version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="+", help_text="Version rebased onto."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    text_before = models.TextField(blank=True, help_text="The amendment's text before.")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["amendment", "at", "id"]

    def __str__(self):
        return (
            f"{self.amendment} v{self.from_version.seq} → v{self.to_version.seq} ({self.outcome})"
        )


class VoteQuerySet(KeepsAdoptedQuerySet):
    def counted(self):
        """The votes that count: not voided. Every look for a proposal's
        decision, tally or result reads through here; a voided vote stays on the record.
        (`Vote.is_counted` is the same rule in Python.)"""
        return self.filter(voided_at__isnull=True)

    def voided(self):
        """The votes voided as wrongly recorded (`vote_void`)."""
        return self.filter(voided_at__isnull=False)

    def with_figures(self):
        """With their body, who voided them, card-vote sections and roll call (members by
        name): three queries in all."""
        roll_call = RollCallEntry.objects.select_related("membership")
        return self.select_related("body", "voided_by").prefetch_related(
            Prefetch("sections", queryset=CardVoteSection.objects.order_by("id")),
            Prefetch("roll_call", queryset=roll_call.order_by("membership__name", "id")),
        )


class Vote(KeepsAdopted):
    """A body's vote on a proposal on a date, with its figures and its result."""

    class Stage(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        DECISION = "decision", "Decision"

    class Method(models.TextChoices):
        SHOW_OF_HANDS = "show_of_hands", "Show of hands"
        ROLL_CALL = "roll_call", "Roll call"
        CARD_VOTE = "card_vote", "Card vote"

    class Majority(models.TextChoices):
        SIMPLE = "simple", "Simple majority"
        TWO_THIRDS = "two_thirds", "Two-thirds majority"

    class Result(models.TextChoices):
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="votes")
    held_on = models.DateField()
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        help_text="A decision carries or loses the proposal. A body not entitled to decide (the "
        "NEC) takes one only to lose it; otherwise it records a recommendation.",
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    majority = models.CharField(max_length=20, choices=Majority.choices, default=Majority.SIMPLE)
    votes_for = models.PositiveIntegerField("for", null=True, blank=True)
    votes_against = models.PositiveIntegerField("against", null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    declared_result = models.CharField(
        max_length=10,
        choices=Result.choices,
        null=True,
        blank=True,
        help_text="The result the chair declared, if recorded; must agree with the figures.",
    )
    result = models.CharField(
        max_length=10,
        choices=Result.choices,
        editable=False,
        help_text="Computed from the figures and the majority rule.",
    )
    note = models.TextField(blank=True, help_text="Source, e.g. 'LabourList, 2021-09-26'.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    voided_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the vote was voided as wrongly recorded; it then no longer counts.",
    )
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    void_reason = models.TextField(
        blank=True, editable=False, help_text="Why the vote was voided, as the Secretary gave it."
    )

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "held_on", "id"]
        permissions = [("void_vote", "Can void a wrongly recorded vote")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(votes_for__isnull=True) | Q(votes_for__gte=0))
                & (Q(votes_against__isnull=True) | Q(votes_against__gte=0))
                & (Q(abstentions__isnull=True) | Q(abstentions__gte=0)),
                name="proposals_vote_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["carried", "lost"]), name="proposals_vote_result_known"
            ),
            models.CheckConstraint(
                condition=Q(declared_result__isnull=True) | Q(declared_result=F("result")),
                name="proposals_vote_declared_matches_result",
            ),
            # One decision that counts: a voided one stays on the record beside its successor.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(stage="decision", voided_at__isnull=True),
                name="proposals_vote_one_counted_decision",
            ),
            # A void says when, by whom and why, all three or none.
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | (Q(voided_at__isnull=False, voided_by__isnull=False) & ~Q(void_reason="")),
                name="proposals_vote_void_complete",
            ),
        ]

    def __str__(self):
        voided = " (voided)" if self.voided_at else ""
        return (
            f"{self.body} {self.get_stage_display().lower()} {self.held_on}: {self.result}{voided}"
        )

    @property
    def is_counted(self) -> bool:
        """Whether the vote counts: not voided (`VoteQuerySet.counted` is the same in SQL)."""
        return self.voided_at is None

    @cached_property
    def arithmetic(self):
        """How the figures give the result (`proposals.services.tally.arithmetic`): a card
        vote's weighted totals, a two-thirds vote's share against its threshold. Reads the
        prefetched sections (`with_figures`)."""
        from proposals.services import tally  # tally computes on Vote's choices

        return tally.arithmetic(
            method=self.method,
            majority=self.majority,
            votes_for=self.votes_for,
            votes_against=self.votes_against,
            sections=[
                tally.Section(s.name, s.weight, s.for_percent, s.against_percent)
                for s in self.sections.all()
            ],
        )


class CardVoteSection(KeepsAdopted):
    """One section of a card vote, e.g. CLPs weighing 50% with 60.1% for."""

    PROPOSAL_PATH = "vote__proposal"

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=100, help_text="e.g. 'CLPs', 'Affiliates'.")
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="Share of the vote in percent; sections sum to 100.",
    )
    for_percent = models.DecimalField("for %", max_digits=5, decimal_places=2)
    against_percent = models.DecimalField("against %", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["vote", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "name"], name="proposals_section_name_unique"),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100)
                & Q(for_percent__gte=0, for_percent__lte=100)
                & Q(against_percent__gte=0, against_percent__lte=100),
                name="proposals_section_percentages_in_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    for_percent__lte=Value(Decimal(100) + PERCENT_TOLERANCE) - F("against_percent")
                ),
                name="proposals_section_for_against_at_most_100",
            ),
        ]

    def __str__(self):
        return (
            f"{self.name} ({self.weight}%): {self.for_percent} for, {self.against_percent} against"
        )

    @property
    def abstain_percent(self) -> Decimal:
        return max(Decimal(0), Decimal(100) - self.for_percent - self.against_percent)


class RollCallEntry(KeepsAdopted):
    """How one member voted in a roll call."""

    PROPOSAL_PATH = "vote__proposal"

    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="roll_call")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)

    class Meta:
        ordering = ["vote", "membership__name"]
        verbose_name_plural = "roll call entries"
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "membership"], name="proposals_roll_call_member_unique"
            ),
        ]

    def __str__(self):
        return f"{self.membership.name}: {self.choice}"
