-- Trait weights change only through these functions, so every replica shares one learning state.
-- Each call locks the trait's row (SELECT ... FOR UPDATE) before changing it: a concurrent caller
-- waits, then reads the committed weight, so no update is lost. (A single UPDATE ... RETURNING
-- cannot return the old weight before PostgreSQL 18, and clipping makes it underivable.)
--
-- SQLSTATE NYX01: unknown trait (Java maps it to NoSuchElementException).
-- SQLSTATE 22023 (invalid_parameter_value): delta or weight is NaN, infinite or null.

CREATE FUNCTION nyx_lock_trait(trait text) RETURNS nyx_trait_weights
LANGUAGE plpgsql AS $$
DECLARE
    locked nyx_trait_weights;
BEGIN
    SELECT * INTO locked FROM nyx_trait_weights WHERE name = trait FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown trait "%"', trait USING ERRCODE = 'NYX01';
    END IF;
    RETURN locked;
END
$$;

CREATE FUNCTION nyx_require_finite(what text, v double precision) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF v IS NULL OR v = 'NaN' OR v = 'Infinity' OR v = '-Infinity' THEN
        RAISE EXCEPTION '% must be a finite number but was %', what, v USING ERRCODE = '22023';
    END IF;
END
$$;

-- Writes target clipped to the locked row's bounds and the history row; returns the new weight.
CREATE FUNCTION nyx_write_trait_weight(locked nyx_trait_weights, target double precision,
                                       asked double precision, source text, reason text)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    new_w double precision := least(locked.max_weight, greatest(locked.min_weight, target));
BEGIN
    UPDATE nyx_trait_weights SET weight = new_w, updated_at = now() WHERE name = locked.name;
    INSERT INTO nyx_trait_weight_history (name, old_weight, new_weight, delta, source, reason)
    VALUES (locked.name, locked.weight, new_w, asked, source, coalesce(reason, ''));
    RETURN new_w;
END
$$;

-- Adds delta to the trait's weight, clipped to [min_weight, max_weight]; returns the new weight.
CREATE FUNCTION update_trait_weight(trait text, delta double precision, source text,
                                    reason text DEFAULT '') RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    locked nyx_trait_weights;
BEGIN
    PERFORM nyx_require_finite('delta', delta);
    locked := nyx_lock_trait(trait);
    RETURN nyx_write_trait_weight(locked, locked.weight + delta, delta, source, reason);
END
$$;

-- Operator steering: sets the weight (clipped to bounds); history records delta = asked - old.
CREATE FUNCTION set_trait_weight(trait text, weight double precision, source text,
                                 reason text DEFAULT '') RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    locked nyx_trait_weights;
BEGIN
    PERFORM nyx_require_finite('weight', weight);
    locked := nyx_lock_trait(trait);
    RETURN nyx_write_trait_weight(locked, weight, weight - locked.weight, source, reason);
END
$$;
