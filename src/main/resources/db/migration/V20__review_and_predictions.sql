-- Eleos's human review queue: exchanges the risk screen flagged (the query, the answer, or both).
-- query_id cannot be a foreign key (the partitioned log's key includes created_at).
CREATE TABLE nyx_review_queue (
    id          bigserial        PRIMARY KEY,
    query_id    uuid             NOT NULL,
    stage       text             NOT NULL CHECK (stage IN ('input', 'output')),
    category    text             NOT NULL,
    risk        double precision NOT NULL,
    assessment  jsonb            NOT NULL,
    status      text             NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed')),
    verdict     text,
    rating      double precision CHECK (rating >= -1 AND rating <= 1),
    note        text,
    created_at  timestamptz      NOT NULL,
    reviewed_at timestamptz
);

CREATE INDEX nyx_review_pending ON nyx_review_queue (created_at) WHERE status = 'pending';
CREATE INDEX nyx_review_query ON nyx_review_queue (query_id);

-- Moira's predictions: the scenarios an answer gave, scored when the outcome is known.
CREATE TABLE nyx_predictions (
    id          bigserial        PRIMARY KEY,
    query_id    uuid             NOT NULL,
    specialist  text,
    prediction  text             NOT NULL,
    scenarios   jsonb            NOT NULL,
    created_at  timestamptz      NOT NULL,
    outcome     text             CHECK (outcome IN ('happened', 'did_not_happen')),
    score       double precision,
    resolved_at timestamptz
);

CREATE INDEX nyx_predictions_query ON nyx_predictions (query_id);
