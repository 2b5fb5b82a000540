-- The functions an answer called (OpenAI's tool_calls: [{"id","type":"function","function":
-- {"name","arguments"}}]), empty for a plain answer, so a tool-calling exchange is recorded whole:
-- its text alone ("" for a call without words) would lose what the model did. Rows from before
-- hold no calls. A constant default is kept in the catalogue: no partition is rewritten.
ALTER TABLE nyx_synthetic_specialist_queries
    ADD COLUMN tool_calls jsonb NOT NULL DEFAULT '[]';
