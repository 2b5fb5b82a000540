-- Routes that learn from use (io.nyx.routing.ExemplarLearning). A learned exemplar is a question
-- that became evidence for a route: one answered well by it ('feedback'), or one a person said
-- should have gone to it ('correction'). Provenance: the query it came from (null when it was
-- added by hand), the key that caused it ('rater', 'local' without keys) and when. Only the text
-- is stored, never a vector: every replica embeds it with its own model (exemplar caches are keyed
-- by model), so switching the embedding model never mixes vectors. A text is learned once per
-- route; the bound per route is kept by the writer (oldest learned first out), and what the
-- operator configured is never here, so it can never be displaced.
CREATE TABLE nyx_learned_exemplars (
    id         bigserial   PRIMARY KEY,
    route      text        NOT NULL,
    text       text        NOT NULL,
    source     text        NOT NULL CHECK (source IN ('feedback', 'correction')),
    query_id   uuid,
    rater      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX nyx_learned_exemplars_route_text ON nyx_learned_exemplars (route, md5(text));
CREATE INDEX nyx_learned_exemplars_route ON nyx_learned_exemplars (route, id);

-- The embedding model the stored memory vectors (nyx_subjective_memory.embedding) were made with.
-- One row; a server whose model differs refuses to start while memories exist, instead of mixing
-- vectors of two models in one index (io.nyx.persistence.jdbc.JdbcEmbeddingModel).
CREATE TABLE nyx_embedding_model (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    model       text        NOT NULL,
    dimension   integer     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
