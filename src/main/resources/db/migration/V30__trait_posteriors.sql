-- Trait learning with a Beta posterior per specialist (io.nyx.learning.TraitPosterior has the
-- formulas and is the Java reference these functions are tested against). The posterior lives on
-- the trait's own row, so the one row lock taken by nyx_lock_trait makes every change atomic:
-- concurrent replicas queue on the lock and none of their evidence is lost.

ALTER TABLE nyx_trait_weights
    ADD COLUMN prior_weight  double precision,                        -- null: the weight itself
    ADD COLUMN successes     double precision NOT NULL DEFAULT 0,     -- decayed evidence
    ADD COLUMN failures      double precision NOT NULL DEFAULT 0,
    ADD COLUMN decayed_at    timestamptz      NOT NULL DEFAULT 'epoch',
    ADD COLUMN pinned_until  timestamptz      NOT NULL DEFAULT 'epoch',
    ADD COLUMN trials        double precision NOT NULL DEFAULT 0,     -- undecayed totals,
    ADD COLUMN success_total double precision NOT NULL DEFAULT 0,     -- for exact-sum checks
    ADD CHECK (successes >= 0 AND failures >= 0);

UPDATE nyx_trait_weights SET prior_weight = weight;

-- One row: the learning settings every replica uses (written at start-up from traits.*).
CREATE TABLE nyx_trait_settings (
    id              boolean          PRIMARY KEY DEFAULT true CHECK (id),
    prior_strength  double precision NOT NULL CHECK (prior_strength > 0),
    half_life_s     double precision NOT NULL CHECK (half_life_s >= 0),
    max_step        double precision NOT NULL CHECK (max_step > 0 AND max_step <= 1),
    hysteresis      double precision NOT NULL CHECK (hysteresis >= 0 AND hysteresis < 1),
    pin_s           double precision NOT NULL CHECK (pin_s >= 0)
);

INSERT INTO nyx_trait_settings VALUES (true, 10, 300, 0.05, 0.005, 86400);

-- Learning: adds evidence (successes of trials) observed at time "at", decays the old evidence,
-- and moves the weight toward the posterior mean (hysteresis, max step, pin). Returns the weight.
CREATE FUNCTION update_trait_posterior(trait text, successes double precision,
                                       trials double precision, source text,
                                       reason text, at timestamptz) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t   nyx_trait_weights;
    cfg nyx_trait_settings;
    f   double precision := 1;
    p0  double precision;
    s   double precision;
    fl  double precision;
    a   double precision;
    diff double precision;
    new_w double precision;
BEGIN
    PERFORM nyx_require_finite('successes', successes);
    PERFORM nyx_require_finite('trials', trials);
    IF trials < 0 OR successes < 0 OR successes > trials + 1e-12 THEN
        RAISE EXCEPTION 'evidence must satisfy 0 <= successes <= trials but was % of %',
            successes, trials USING ERRCODE = '22023';
    END IF;
    SELECT * INTO cfg FROM nyx_trait_settings;
    t := nyx_lock_trait(trait);
    IF cfg.half_life_s > 0 THEN
        -- least(...): power() raises "underflow" instead of returning 0 (2^-1000 ~ 1e-301).
        f := power(2::double precision,
                   -least(1000, greatest(0, extract(epoch FROM at - t.decayed_at)::double precision)
                                / cfg.half_life_s));
    END IF;
    p0 := coalesce(t.prior_weight, t.weight);
    s := f * t.successes + successes;
    fl := f * t.failures + (trials - successes);
    a := cfg.prior_strength * p0 + s;
    diff := least(t.max_weight, greatest(t.min_weight,
                  a / (a + cfg.prior_strength * (1 - p0) + fl))) - t.weight;
    new_w := t.weight;
    IF at >= t.pinned_until AND abs(diff) >= cfg.hysteresis THEN
        new_w := t.weight + least(cfg.max_step, greatest(-cfg.max_step, diff));
    END IF;
    UPDATE nyx_trait_weights
       SET successes = s, failures = fl, decayed_at = greatest(t.decayed_at, at),
           trials = t.trials + update_trait_posterior.trials,
           success_total = t.success_total + update_trait_posterior.successes,
           prior_weight = p0
     WHERE name = t.name;
    RETURN nyx_write_trait_weight(t, new_w, diff, source, reason);
END
$$;

-- Operator steering: the weight becomes target (or weight + target when relative), clipped; it is
-- also the new prior, the old evidence is dropped and learning leaves it alone for pin_s seconds.
CREATE FUNCTION nyx_steer_trait(trait text, target double precision, relative boolean,
                                source text, reason text, at timestamptz)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t   nyx_trait_weights;
    cfg nyx_trait_settings;
    w   double precision;
BEGIN
    PERFORM nyx_require_finite(CASE WHEN relative THEN 'delta' ELSE 'weight' END, target);
    SELECT * INTO cfg FROM nyx_trait_settings;
    t := nyx_lock_trait(trait);
    w := least(t.max_weight, greatest(t.min_weight,
               CASE WHEN relative THEN t.weight + target ELSE target END));
    UPDATE nyx_trait_weights
       SET prior_weight = w, successes = 0, failures = 0, decayed_at = at,
           pinned_until = at + make_interval(secs => cfg.pin_s)
     WHERE name = t.name;
    RETURN nyx_write_trait_weight(t, w, CASE WHEN relative THEN target ELSE target - t.weight END,
                                  source, reason);
END
$$;

-- The V2 entry points keep their names and meaning (add delta / set weight, clipped) and become
-- operator steering: the new weight is the new prior, pinned, so learning cannot silently undo it.
DROP FUNCTION update_trait_weight(text, double precision, text, text);
DROP FUNCTION set_trait_weight(text, double precision, text, text);

CREATE FUNCTION update_trait_weight(trait text, delta double precision, source text,
                                    reason text DEFAULT '', at timestamptz DEFAULT now())
RETURNS double precision
LANGUAGE sql AS $$ SELECT nyx_steer_trait(trait, delta, true, source, reason, at) $$;

CREATE FUNCTION set_trait_weight(trait text, weight double precision, source text,
                                 reason text DEFAULT '', at timestamptz DEFAULT now())
RETURNS double precision
LANGUAGE sql AS $$ SELECT nyx_steer_trait(trait, weight, false, source, reason, at) $$;
