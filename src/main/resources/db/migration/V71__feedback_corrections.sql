-- A correction is the answer a rater says should have been given instead of the stored one
-- (POST /feedback "correction"). It rides on the rater's feedback row, so a later rating by the
-- same rater replaces it too (NULL: that rating came without one). The training export reads it as
-- the preferred answer over the stored one (a preference pair) and as a supervised example; the
-- partial index finds the few rows that carry one without scanning every rating.
ALTER TABLE nyx_feedback ADD COLUMN correction text;
CREATE INDEX nyx_feedback_corrections ON nyx_feedback (query_id) WHERE correction IS NOT NULL;
