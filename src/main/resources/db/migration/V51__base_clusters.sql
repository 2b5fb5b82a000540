-- The contextual bandit (io.nyx.learning.ClusterBandit) also learns how good the base model (the
-- answer when routing abstains) is per query cluster, so it can learn to abstain where every
-- fitting specialist is worse. One row per cluster, from the neutral prior 0.5, the same decay
-- rule as a trait's cluster (MemoryTraitStore.observeBase is the Java reference), changed only by
-- the function below under the row's lock, so concurrent replicas lose no update.

CREATE TABLE nyx_base_clusters (
    cluster       integer          PRIMARY KEY CHECK (cluster >= 0),
    weight        double precision NOT NULL DEFAULT 0.5,
    prior_weight  double precision NOT NULL DEFAULT 0.5,
    successes     double precision NOT NULL DEFAULT 0 CHECK (successes >= 0),
    failures      double precision NOT NULL DEFAULT 0 CHECK (failures >= 0),
    decayed_at    timestamptz      NOT NULL DEFAULT 'epoch',
    trials        double precision NOT NULL DEFAULT 0,
    success_total double precision NOT NULL DEFAULT 0,
    updated_at    timestamptz      NOT NULL DEFAULT now()
);

CREATE FUNCTION update_base_cluster_posterior(cluster integer, successes double precision,
                                              trials double precision, at timestamptz)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    c   nyx_base_clusters;
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
    INSERT INTO nyx_base_clusters (cluster) VALUES (cluster) ON CONFLICT DO NOTHING;
    SELECT * INTO c FROM nyx_base_clusters
     WHERE nyx_base_clusters.cluster = update_base_cluster_posterior.cluster FOR UPDATE;
    SELECT * INTO cfg FROM nyx_trait_settings;
    IF cfg.half_life_s > 0 THEN
        f := power(2::double precision,
                   -least(1000, greatest(0, extract(epoch FROM at - c.decayed_at)::double precision)
                                / cfg.half_life_s));
    END IF;
    s := f * c.successes + successes;
    fl := f * c.failures + (trials - successes);
    a := cfg.prior_strength * c.prior_weight + s;
    diff := least(1, greatest(0, a / (a + cfg.prior_strength * (1 - c.prior_weight) + fl)))
            - c.weight;
    new_w := c.weight;
    IF abs(diff) >= cfg.hysteresis THEN
        new_w := least(1, greatest(0, c.weight + least(cfg.max_step, greatest(-cfg.max_step, diff))));
    END IF;
    UPDATE nyx_base_clusters
       SET successes = s, failures = fl, decayed_at = greatest(c.decayed_at, at),
           trials = c.trials + update_base_cluster_posterior.trials,
           success_total = c.success_total + update_base_cluster_posterior.successes,
           weight = new_w, updated_at = now()
     WHERE nyx_base_clusters.cluster = c.cluster;
    RETURN new_w;
END
$$;
