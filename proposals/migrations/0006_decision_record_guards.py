"""The database guards the decisions behind rule versions (issue 11), on PostgreSQL.

- An adopted proposal cannot be deleted, nor its amendments (and their rebases), nor its votes
  (and their card-vote sections and roll-call entries): row triggers BEFORE DELETE refuse
  when the row's proposal is adopted. A draft's amendments are still deleted by drafting.
- An adopted proposal keeps its identity and its adoption: reference, rule book, status,
  adoption date and note. Its amendments do not change at all. Adoption itself writes each
  amendment's new rule and produced version *before* it marks the proposal adopted, in the
  same transaction, so the guard never stands in its way.
- A recorded vote's figures, result, body, date and stage never change: the one update
  allowed is its void (voided_at, voided_by, void_reason, from empty to set, once), and its
  recorder becoming unknown when that user is deleted (created_by is SET_NULL). Card-vote
  sections and roll-call entries are never updated.
- A term (membership) with roll-call votes keeps its member and body, and its start and end
  keep covering every vote cast under it; a body that has voted stays in its rule book, and
  one that has taken decision votes keeps its `decides` flag (as `proposals.rules`
  `check_membership` and `check_body_change` say for the services: this is the backstop).
  Deleting either is refused already by their PROTECT foreign keys.
- TRUNCATE of these tables is refused like that of the history tables (rulebook migration
  0003's `rulebook_refuse_truncate`, which lets a session with `rulebook.maintenance = on`,
  i.e. the test suite's flush, through). Row triggers do not fire on TRUNCATE.

SQLite: none of this (its test flush deletes rows); the ORM refuses deleting adopted records
on both databases (`proposals.models.KeepsAdopted`).
"""

from django.db import migrations

REFUSE = "USING ERRCODE = 'integrity_constraint_violation'"

# What an adopted proposal was decided on: rows that cannot be deleted once it is adopted.
DECISION_TABLES = (
    "proposals_proposal",
    "proposals_amendment",
    "proposals_amendmentrebase",
    "proposals_vote",
    "proposals_cardvotesection",
    "proposals_rollcallentry",
)
GUARDED_TABLES = (*DECISION_TABLES, "proposals_body", "proposals_membership")

# The row triggers BEFORE UPDATE: (table, trigger, function).
UPDATE_GUARDS = (
    ("proposals_proposal", "keep_adopted_update", "proposals_keep_adopted_proposal"),
    ("proposals_amendment", "keep_adopted_update", "proposals_keep_adopted_amendment"),
    ("proposals_vote", "keep_recorded", "proposals_keep_vote"),
    ("proposals_cardvotesection", "keep_recorded", "proposals_refuse_figure_change"),
    ("proposals_rollcallentry", "keep_recorded", "proposals_refuse_figure_change"),
    ("proposals_membership", "keep_votes", "proposals_keep_membership"),
    ("proposals_body", "keep_votes", "proposals_keep_body"),
)

POSTGRES_FORWARD = (
    f"""
CREATE OR REPLACE FUNCTION proposals_adopted_reference(proposal bigint) RETURNS text AS $$
    SELECT reference FROM proposals_proposal WHERE id = proposal AND status = 'adopted'
$$ LANGUAGE sql STABLE;

-- The proposal a row belongs to, whichever guarded table it is in (plpgsql compiles a
-- trigger function once per table, and each runs only its own table's branch).
CREATE OR REPLACE FUNCTION proposals_keep_adopted() RETURNS trigger AS $$
DECLARE
    proposal bigint;
    reference text;
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'proposals_proposal' THEN proposal := OLD.id;
        WHEN 'proposals_amendment', 'proposals_vote' THEN proposal := OLD.proposal_id;
        WHEN 'proposals_amendmentrebase' THEN
            SELECT proposal_id INTO proposal FROM proposals_amendment WHERE id = OLD.amendment_id;
        ELSE
            SELECT proposal_id INTO proposal FROM proposals_vote WHERE id = OLD.vote_id;
    END CASE;
    reference := proposals_adopted_reference(proposal);
    IF reference IS NOT NULL THEN
        RAISE EXCEPTION 'proposal % is adopted: it and what it was decided on are the record '
            'behind the rule versions it produced (% refused on %)',
            reference, TG_OP, TG_TABLE_NAME {REFUSE};
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_keep_adopted_proposal() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'adopted' AND
        (NEW.reference, NEW.rulebook_id, NEW.status, NEW.adopted_on, NEW.adoption_note)
        IS DISTINCT FROM
        (OLD.reference, OLD.rulebook_id, OLD.status, OLD.adopted_on, OLD.adoption_note)
    THEN
        RAISE EXCEPTION 'proposal % is adopted: its reference, rule book and adoption cannot '
            'change', OLD.reference {REFUSE};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_keep_adopted_amendment() RETURNS trigger AS $$
DECLARE
    reference text := coalesce(proposals_adopted_reference(OLD.proposal_id),
                               proposals_adopted_reference(NEW.proposal_id));
BEGIN
    IF reference IS NOT NULL AND NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'proposal % is adopted: its amendments cannot change', reference
            {REFUSE};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_keep_vote() RETURNS trigger AS $$
DECLARE
    -- What a void and a deleted recorder may change; everything else is the vote as recorded.
    settable CONSTANT text[] := ARRAY['voided_at', 'voided_by_id', 'void_reason', 'created_by_id'];
BEGIN
    IF (to_jsonb(NEW) - settable) IS DISTINCT FROM (to_jsonb(OLD) - settable) THEN
        RAISE EXCEPTION 'vote % is recorded: its figures, result, body, date and stage cannot '
            'change (void it and record it anew)', OLD.id {REFUSE};
    END IF;
    IF OLD.voided_at IS NOT NULL AND (NEW.voided_at, NEW.voided_by_id, NEW.void_reason)
        IS DISTINCT FROM (OLD.voided_at, OLD.voided_by_id, OLD.void_reason)
    THEN
        RAISE EXCEPTION 'vote % was voided on %: a void cannot change', OLD.id, OLD.voided_at
            {REFUSE};
    END IF;
    IF NEW.created_by_id IS DISTINCT FROM OLD.created_by_id AND NEW.created_by_id IS NOT NULL
    THEN
        RAISE EXCEPTION 'vote % is recorded: who recorded it cannot change', OLD.id {REFUSE};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_refuse_figure_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the figures of vote % are recorded with it and cannot change (% on %)',
        OLD.vote_id, TG_OP, TG_TABLE_NAME {REFUSE};
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_keep_membership() RETURNS trigger AS $$
DECLARE
    outside date;
BEGIN
    IF (NEW.body_id, NEW.name) IS DISTINCT FROM (OLD.body_id, OLD.name)
        AND EXISTS (SELECT 1 FROM proposals_rollcallentry WHERE membership_id = OLD.id)
    THEN
        RAISE EXCEPTION '% cast recorded roll-call votes under term %: its member and body '
            'cannot change', OLD.name, OLD.id {REFUSE};
    END IF;
    SELECT v.held_on INTO outside
        FROM proposals_rollcallentry r JOIN proposals_vote v ON v.id = r.vote_id
        WHERE r.membership_id = OLD.id
            AND (v.held_on < NEW.start OR (NEW."end" IS NOT NULL AND v.held_on > NEW."end"))
        ORDER BY v.held_on LIMIT 1;
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION '% voted in a roll call on % under term %: the term must cover that day',
            OLD.name, outside, OLD.id {REFUSE};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION proposals_keep_body() RETURNS trigger AS $$
BEGIN
    IF NEW.rulebook_id IS DISTINCT FROM OLD.rulebook_id
        AND EXISTS (SELECT 1 FROM proposals_vote WHERE body_id = OLD.id)
    THEN
        RAISE EXCEPTION 'the % voted in its rule book: it cannot move to another', OLD.name
            {REFUSE};
    END IF;
    IF NEW.decides IS DISTINCT FROM OLD.decides AND EXISTS (
        SELECT 1 FROM proposals_vote WHERE body_id = OLD.id AND stage = 'decision')
    THEN
        RAISE EXCEPTION 'the % took decision votes: whether it is entitled to decide rule '
            'changes cannot change now', OLD.name {REFUSE};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_keep_adopted BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION proposals_keep_adopted();
"""
        for table in DECISION_TABLES
    )
    + "".join(
        f"""
CREATE TRIGGER {table}_{trigger} BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
        for table, trigger, function in UPDATE_GUARDS
    )
    + "".join(
        f"""
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION rulebook_refuse_truncate();
"""
        for table in GUARDED_TABLES
    )
)

POSTGRES_REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_keep_adopted ON {table};\n"
        for table in GUARDED_TABLES
    )
    + "".join(
        f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table};\n"
        for table, trigger, _ in UPDATE_GUARDS
    )
    + """
DROP FUNCTION IF EXISTS proposals_keep_body();
DROP FUNCTION IF EXISTS proposals_keep_membership();
DROP FUNCTION IF EXISTS proposals_refuse_figure_change();
DROP FUNCTION IF EXISTS proposals_keep_vote();
DROP FUNCTION IF EXISTS proposals_keep_adopted_amendment();
DROP FUNCTION IF EXISTS proposals_keep_adopted_proposal();
DROP FUNCTION IF EXISTS proposals_keep_adopted();
DROP FUNCTION IF EXISTS proposals_adopted_reference(bigint);
"""
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_versions_produced_by_adoption_are_recorded_at_adoption"),
        ("rulebook", "0003_history_guards"),
    ]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
