-- Trait evidence a replica has summed but not yet applied lives in its local journal
-- (<data_dir>/journal) as numbered segments. Applying segment n moves that journal's watermark to
-- n in the same transaction, so a segment replayed after a crash (kill -9 between the commit and
-- the deletion of its file) is skipped instead of counted twice. One row per replica journal.
CREATE TABLE nyx_learner_journals (
    journal_id  uuid        PRIMARY KEY,
    applied_seq bigint      NOT NULL CHECK (applied_seq >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
