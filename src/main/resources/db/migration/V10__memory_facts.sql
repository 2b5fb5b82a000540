-- Mnemosyne and Aletheia, issue 4.

-- De-duplication: a text is stored once, so a re-run import skips what is already in. md5 keeps
-- the unique index small for long texts; equal hashes of different texts are not a practical risk.
DELETE FROM nyx_subjective_memory a USING nyx_subjective_memory b
 WHERE a.text = b.text AND a.id > b.id;
CREATE UNIQUE INDEX nyx_memory_text_md5 ON nyx_subjective_memory (md5(text));
CREATE INDEX nyx_memory_source ON nyx_subjective_memory (source);

DELETE FROM nyx_facts a USING nyx_facts b
 WHERE a.statement = b.statement AND a.id > b.id;
CREATE UNIQUE INDEX nyx_facts_statement_md5 ON nyx_facts (md5(statement));

-- Replicas keep their in-process vector index current from these notifications: channel
-- nyx_memory, payload '+<id>' after an insert or update, '-<id>' after a delete. Delivered at
-- commit, to every session that LISTENs (including the writer's own replica: adding is idempotent).
CREATE FUNCTION nyx_memory_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('nyx_memory', '-' || OLD.id);
    ELSE
        PERFORM pg_notify('nyx_memory', '+' || NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER nyx_memory_changed
AFTER INSERT OR UPDATE OR DELETE ON nyx_subjective_memory
FOR EACH ROW EXECUTE FUNCTION nyx_memory_notify();
