-- Review items and predictions are written after the answer, and replayed from a local spool
-- when the database was away; one per (query, stage) and one per query make the replay
-- idempotent (ON CONFLICT), so a replay after a crash never queues an exchange twice.
CREATE UNIQUE INDEX nyx_review_queue_query_stage ON nyx_review_queue (query_id, stage);
DROP INDEX nyx_predictions_query;
CREATE UNIQUE INDEX nyx_predictions_query ON nyx_predictions (query_id);
