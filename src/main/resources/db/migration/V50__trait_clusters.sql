-- Trait learning per query cluster (context-aware): each specialist also has a Beta posterior per
-- kind of query, so it can be good at some kinds and not others. The rules are the trait's own
-- (io.nyx.learning.TraitPosterior; MemoryTraitStore.observeCluster is the Java reference): a cluster
-- starts at the trait's current weight, decays, moves under hysteresis and max step, and follows
-- its trait's operator pin. One row per (trait, cluster), changed only by the function below under
-- that row's lock, so concurrent replicas lose no update.

CREATE TABLE nyx_trait_clusters (
    name          text             NOT NULL REFERENCES nyx_trait_weights (name) ON DELETE CASCADE,
    cluster       integer          NOT NULL CHECK (cluster >= 0),
    weight        double precision NOT NULL,
    prior_weight  double precision NOT NULL,
    successes     double precision NOT NULL DEFAULT 0 CHECK (successes >= 0),
    failures      double precision NOT NULL DEFAULT 0 CHECK (failures >= 0),
    decayed_at    timestamptz      NOT NULL DEFAULT 'epoch',
    trials        double precision NOT NULL DEFAULT 0,     -- undecayed totals, for exact sums
    success_total double precision NOT NULL DEFAULT 0,
    updated_at    timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (name, cluster)
);

-- Learning in one cluster: evidence (successes of trials) observed at "at". Returns the weight.
CREATE FUNCTION update_trait_cluster_posterior(trait text, cluster integer,
                                               successes double precision,
                                               trials double precision, at timestamptz)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t   nyx_trait_weights;
    c   nyx_trait_clusters;
    cfg nyx_trait_settings;
    f   double precision := 1;
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
    IF cluster IS NULL OR cluster < 0 THEN
        RAISE EXCEPTION 'cluster must be >= 0 but was %', cluster USING ERRCODE = '22023';
    END IF;
    SELECT * INTO t FROM nyx_trait_weights WHERE name = trait;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown trait "%"', trait USING ERRCODE = 'NYX01';
    END IF;
    INSERT INTO nyx_trait_clusters (name, cluster, weight, prior_weight)
    VALUES (t.name, cluster, t.weight, t.weight) ON CONFLICT DO NOTHING;
    SELECT * INTO c FROM nyx_trait_clusters
     WHERE name = t.name AND nyx_trait_clusters.cluster = update_trait_cluster_posterior.cluster
       FOR UPDATE;
    -- Read the trait again under the cluster lock: an operator's steer that committed meanwhile
    -- (it restarts the clusters) is seen with its pin.
    SELECT * INTO t FROM nyx_trait_weights WHERE name = trait;
    SELECT * INTO cfg FROM nyx_trait_settings;
    IF cfg.half_life_s > 0 THEN
        f := power(2::double precision,
                   -least(1000, greatest(0, extract(epoch FROM at - c.decayed_at)::double precision)
                                / cfg.half_life_s));
    END IF;
    s := f * c.successes + successes;
    fl := f * c.failures + (trials - successes);
    a := cfg.prior_strength * c.prior_weight + s;
    diff := least(t.max_weight, greatest(t.min_weight,
                  a / (a + cfg.prior_strength * (1 - c.prior_weight) + fl))) - c.weight;
    new_w := c.weight;
    IF at >= t.pinned_until AND abs(diff) >= cfg.hysteresis THEN
        new_w := least(t.max_weight, greatest(t.min_weight,
                       c.weight + least(cfg.max_step, greatest(-cfg.max_step, diff))));
    END IF;
    UPDATE nyx_trait_clusters
       SET successes = s, failures = fl, decayed_at = greatest(c.decayed_at, at),
           trials = c.trials + update_trait_cluster_posterior.trials,
           success_total = c.success_total + update_trait_cluster_posterior.successes,
           weight = new_w, updated_at = now()
     WHERE name = c.name AND nyx_trait_clusters.cluster = c.cluster;
    RETURN new_w;
END
$$;

-- Operator steering (V30) now also restarts the trait's clusters from the steered weight, so no
-- cluster's old evidence can undo the operator later.
CREATE OR REPLACE FUNCTION nyx_steer_trait(trait text, target double precision, relative boolean,
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
    UPDATE nyx_trait_clusters
       SET prior_weight = w, weight = w, successes = 0, failures = 0, decayed_at = 'epoch',
           updated_at = now()
     WHERE name = t.name;
    RETURN nyx_write_trait_weight(t, w, CASE WHEN relative THEN target ELSE target - t.weight END,
                                  source, reason);
END
$$;
