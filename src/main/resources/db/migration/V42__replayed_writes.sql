-- Writes replayed from a replica's local spool that are not idempotent by themselves (trait
-- evidence adds up): each carries an id, recorded here in the same transaction as the write, so a
-- replay interrupted after its commit is not applied twice.
CREATE TABLE nyx_replayed_writes (
    id         uuid        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
