-- Owners for every record (security issue 14). A tenant is a name given to API keys; a key sees
-- the records of its own tenant (admin keys see all). Records written before tenants existed, and
-- everything written on a loopback server without keys, belong to tenant 'local'.

-- Keys: a key's tenant defaults to its own name, so keys created before this migration are
-- isolated from each other (and from the 'local' records) until an operator groups them.
ALTER TABLE nyx_api_keys ADD COLUMN tenant text;
UPDATE nyx_api_keys SET tenant = name;
ALTER TABLE nyx_api_keys ALTER COLUMN tenant SET NOT NULL;

-- Memories: owned by a tenant, optionally narrowed to one session of it, optionally shared with
-- every tenant by their owner. A text is stored once per tenant (it was once overall).
ALTER TABLE nyx_subjective_memory
    ADD COLUMN tenant text    NOT NULL DEFAULT 'local',
    ADD COLUMN shared boolean NOT NULL DEFAULT false;
DROP INDEX nyx_memory_text_md5;
CREATE UNIQUE INDEX nyx_memory_tenant_text_md5 ON nyx_subjective_memory (tenant, md5(text));
CREATE INDEX nyx_memory_tenant ON nyx_subjective_memory (tenant, id);

-- Exchanges: the tenant and the key that asked (null on a keyless loopback server).
ALTER TABLE nyx_synthetic_specialist_queries
    ADD COLUMN tenant   text NOT NULL DEFAULT 'local',
    ADD COLUMN key_name text;
CREATE INDEX nyx_queries_tenant ON nyx_synthetic_specialist_queries (tenant, created_at);

-- Feedback: who rated ('rater': the key's name, 'local' without keys) and for which tenant. One
-- rating per query and rater: a later rating replaces the earlier one on the row (updated_at says
-- when); only the first told the trait. 'evidence' is the observations a rating added to 'trait'
-- (0 when none), stamped with the database's clock in applied_at: a key's budget of evidence per
-- trait and hour is summed from them. Feedback given before this migration has no rater.
ALTER TABLE nyx_feedback
    ADD COLUMN tenant     text             NOT NULL DEFAULT 'local',
    ADD COLUMN rater      text,
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN trait      text,
    ADD COLUMN evidence   double precision NOT NULL DEFAULT 0,
    ADD COLUMN applied_at timestamptz      NOT NULL DEFAULT now();
CREATE UNIQUE INDEX nyx_feedback_query_rater ON nyx_feedback (query_id, rater)
    WHERE rater IS NOT NULL;
CREATE INDEX nyx_feedback_rater_budget ON nyx_feedback (rater, trait, applied_at)
    WHERE evidence > 0;

-- Follow-ups carry the tenant of the exchange they belong to.
ALTER TABLE nyx_review_queue ADD COLUMN tenant text NOT NULL DEFAULT 'local';
ALTER TABLE nyx_predictions ADD COLUMN tenant text NOT NULL DEFAULT 'local';
