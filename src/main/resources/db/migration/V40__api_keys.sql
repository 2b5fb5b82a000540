-- API keys (issue 6). Only the SHA-256 of a secret is stored; the secret is shown once at creation.
CREATE TABLE nyx_api_keys (
    id             bigserial        PRIMARY KEY,
    name           text             NOT NULL,
    key_sha256     text             NOT NULL UNIQUE CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
    scopes         text[]           NOT NULL,
    rate_per_second double precision NOT NULL CHECK (rate_per_second > 0),
    burst          integer          NOT NULL CHECK (burst >= 1),
    max_concurrent integer          NOT NULL CHECK (max_concurrent >= 1),
    created_at     timestamptz      NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);

-- A name identifies one active key; revoked keys keep their rows for the record.
CREATE UNIQUE INDEX nyx_api_keys_active_name ON nyx_api_keys (name) WHERE revoked_at IS NULL;
