-- Adapter versions and their life cycle (docs/adapters.md). V1 made nyx_adapters free-form and
-- nothing wrote to it; from here on its state is one of a closed set, each version says what it
-- was checked against, and every change of state is an event with its reason, who made it and the
-- figures it was decided on.

-- A state from before this migration (none was ever written) is kept only if it is one of ours.
UPDATE nyx_adapters SET state = lower(state);
UPDATE nyx_adapters SET state = 'retired'
 WHERE state NOT IN ('candidate', 'canary', 'active', 'retired', 'failed');

ALTER TABLE nyx_adapters
    -- base_model_name_or_path and r from adapter_config.json; null for versions registered from
    -- the configuration at first start (served by vLLM's own --lora-modules, never inspected)
    ADD COLUMN base_model  text,
    ADD COLUMN lora_rank   integer CHECK (lora_rank > 0),
    -- share of the specialist's requests a canary answers; 0 in every other state
    ADD COLUMN share       double precision NOT NULL DEFAULT 0 CHECK (share >= 0 AND share <= 1),
    -- the latest transition: why, by whom ('nyx' or the operator's key), on which figures
    ADD COLUMN reason      text        NOT NULL DEFAULT '',
    ADD COLUMN actor       text        NOT NULL DEFAULT '',
    ADD COLUMN figures     jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN state_since timestamptz NOT NULL DEFAULT now(),
    -- Nyx's last knowledge of whether vLLM serves it (its /v1/models lists the name)
    ADD COLUMN loaded      boolean     NOT NULL DEFAULT false,
    ADD CONSTRAINT nyx_adapters_state
        CHECK (state IN ('candidate', 'canary', 'active', 'retired', 'failed')),
    ADD CONSTRAINT nyx_adapters_share CHECK (state = 'canary' OR share = 0);

-- One active and at most one canary per specialist, whatever replica writes.
CREATE UNIQUE INDEX nyx_adapters_one_active ON nyx_adapters (specialist) WHERE state = 'active';
CREATE UNIQUE INDEX nyx_adapters_one_canary ON nyx_adapters (specialist) WHERE state = 'canary';

-- Every transition, in order. from_state is null for the registration itself.
CREATE TABLE nyx_adapter_events (
    id         bigserial   PRIMARY KEY,
    specialist text        NOT NULL,
    version    integer     NOT NULL,
    from_state text,
    to_state   text        NOT NULL,
    reason     text        NOT NULL,
    actor      text        NOT NULL,
    figures    jsonb       NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (specialist, version) REFERENCES nyx_adapters (specialist, version)
);

CREATE INDEX nyx_adapter_events_version ON nyx_adapter_events (specialist, version, id);

-- Which version answered: null when no adapter did (the base model, a fallback, or a row from
-- before versions were recorded). The canary test and self-repair read rewards per version.
ALTER TABLE nyx_synthetic_specialist_queries ADD COLUMN adapter_version integer;
CREATE INDEX nyx_queries_adapter_version
    ON nyx_synthetic_specialist_queries (specialist, adapter_version, created_at);
