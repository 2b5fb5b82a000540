-- Phoebe, Nyx's PostgreSQL schema (docs/operations.md, "The database"). Times are timestamptz (UTC).

-- One row per request (pipeline/QueryRecord). Partitioned by month on created_at so that
-- retention is DROP TABLE of a partition; rows outside every monthly partition land in DEFAULT.
-- The record carries its own created_at, so (id, created_at) is the key and appends are
-- idempotent with ON CONFLICT (id, created_at) DO NOTHING.
CREATE TABLE nyx_synthetic_specialist_queries (
    id                 uuid             NOT NULL,
    created_at         timestamptz      NOT NULL,
    session_id         text,
    query              text             NOT NULL,
    specialist         text,
    adapter            text,
    route_method       text             NOT NULL,
    route_confidence   double precision NOT NULL,
    route              jsonb            NOT NULL,
    messages           jsonb            NOT NULL,
    decoding           jsonb            NOT NULL,
    context            jsonb            NOT NULL,
    response           text,
    finish_reason      text,
    confidence         double precision NOT NULL,
    reward             double precision NOT NULL,
    prompt_tokens      integer          NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens  integer          NOT NULL CHECK (completion_tokens >= 0),
    latency_ms         bigint           NOT NULL CHECK (latency_ms >= 0),
    backend_latency_ms bigint           NOT NULL CHECK (backend_latency_ms >= 0),
    status             text             NOT NULL,
    error              text,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX nyx_queries_created_at ON nyx_synthetic_specialist_queries (created_at);
CREATE INDEX nyx_queries_specialist ON nyx_synthetic_specialist_queries (specialist, created_at);

CREATE TABLE nyx_synthetic_specialist_queries_default
    PARTITION OF nyx_synthetic_specialist_queries DEFAULT;

-- Creates the monthly partitions [from_month, from_month + months) that are missing (month
-- boundaries in UTC, names like nyx_synthetic_specialist_queries_y2026m11) and returns how many it
-- created. Rows already sitting in DEFAULT for such a month are moved into the new partition
-- (attaching would otherwise fail). Serialised by an advisory lock, so replicas may all call it.
CREATE FUNCTION nyx_ensure_partitions(from_month timestamptz, months int) RETURNS int
LANGUAGE plpgsql
SET TimeZone = 'UTC' -- month arithmetic and the %L bounds below follow the session time zone
AS $$
DECLARE
    lo      timestamptz;
    hi      timestamptz;
    part    text;
    created int := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('nyx_ensure_partitions'));
    FOR i IN 0 .. months - 1 LOOP
        lo := date_trunc('month', from_month, 'UTC') + make_interval(months => i);
        hi := lo + interval '1 month';
        part := 'nyx_synthetic_specialist_queries_' || to_char(lo AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        IF EXISTS (SELECT 1 FROM nyx_synthetic_specialist_queries_default
                    WHERE created_at >= lo AND created_at < hi) THEN
            EXECUTE format('CREATE TABLE %I (LIKE nyx_synthetic_specialist_queries'
                           ' INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM nyx_synthetic_specialist_queries_default'
                           ' WHERE created_at >= %L AND created_at < %L RETURNING *)'
                           ' INSERT INTO %I SELECT * FROM moved', lo, hi, part);
            EXECUTE format('ALTER TABLE nyx_synthetic_specialist_queries ATTACH PARTITION %I'
                           ' FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF nyx_synthetic_specialist_queries'
                           ' FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        END IF;
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;

-- The current month and months_ahead more; Nyx calls it at every start.
CREATE FUNCTION nyx_ensure_partitions(months_ahead int) RETURNS int
LANGUAGE sql AS $$
    SELECT nyx_ensure_partitions(now(), months_ahead + 1)
$$;

-- Last month too, so a fresh install keeps recent back-dated rows out of DEFAULT.
SELECT nyx_ensure_partitions(now() - interval '1 month', 5);

-- Mnemosyne's subjective memory: the source of truth its in-process vector index is rebuilt from.
CREATE TABLE nyx_subjective_memory (
    id         bigserial   PRIMARY KEY,
    text       text        NOT NULL,
    embedding  real[]      NOT NULL CHECK (array_ndims(embedding) = 1),
    metadata   jsonb       NOT NULL DEFAULT '{}',
    source     text        NOT NULL,
    session_id text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX nyx_memory_session ON nyx_subjective_memory (session_id) WHERE session_id IS NOT NULL;

-- Aletheia's facts, searched with full-text search over the generated tsvector.
CREATE TABLE nyx_facts (
    id         bigserial        PRIMARY KEY,
    statement  text             NOT NULL,
    source     text             NOT NULL,
    confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    created_at timestamptz      NOT NULL DEFAULT now(),
    tsv        tsvector         GENERATED ALWAYS AS (to_tsvector('english', statement)) STORED
);

CREATE INDEX nyx_facts_tsv ON nyx_facts USING gin (tsv);

-- Learned trait weight per specialist, shared by every replica; changed only through
-- update_trait_weight / set_trait_weight (V2), which keep weight inside [min_weight, max_weight].
CREATE TABLE nyx_trait_weights (
    name       text             PRIMARY KEY,
    weight     double precision NOT NULL,
    min_weight double precision NOT NULL,
    max_weight double precision NOT NULL,
    updated_at timestamptz      NOT NULL DEFAULT now(),
    CHECK (min_weight <= max_weight AND max_weight <> 'NaN'),
    CHECK (weight >= min_weight AND weight <= max_weight)
);

-- delta is what was asked; new_weight - old_weight is smaller when a bound clipped it.
CREATE TABLE nyx_trait_weight_history (
    id         bigserial        PRIMARY KEY,
    name       text             NOT NULL REFERENCES nyx_trait_weights (name) ON DELETE CASCADE,
    old_weight double precision NOT NULL,
    new_weight double precision NOT NULL,
    delta      double precision NOT NULL,
    source     text             NOT NULL,
    reason     text             NOT NULL DEFAULT '',
    created_at timestamptz      NOT NULL DEFAULT now()
);

CREATE INDEX nyx_trait_history_name ON nyx_trait_weight_history (name, id DESC);

-- Human feedback. query_id cannot be a foreign key (the partitioned log's key includes
-- created_at); JdbcFeedbackStore checks it in the same transaction instead.
CREATE TABLE nyx_feedback (
    id         uuid             PRIMARY KEY,
    query_id   uuid             NOT NULL,
    rating     double precision NOT NULL CHECK (rating >= -1 AND rating <= 1),
    comment    text             NOT NULL DEFAULT '',
    created_at timestamptz      NOT NULL
);

CREATE INDEX nyx_feedback_query ON nyx_feedback (query_id);

-- Adapter versions per specialist and their life cycle (states are defined by the self-repair
-- issue; kept free-form here).
CREATE TABLE nyx_adapters (
    specialist text        NOT NULL,
    version    integer     NOT NULL CHECK (version > 0),
    vllm_name  text        NOT NULL UNIQUE,
    path       text        NOT NULL,
    state      text        NOT NULL CHECK (state <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (specialist, version)
);
