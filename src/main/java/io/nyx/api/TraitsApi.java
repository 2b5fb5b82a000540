package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.learning.Calibration;
import io.nyx.learning.ClusterStore;
import io.nyx.learning.LearningSettings;
import io.nyx.learning.TraitChange;
import io.nyx.learning.TraitPosterior;
import io.nyx.learning.TraitWeightStore;
import io.nyx.learning.TraitWeights;
import io.nyx.pipeline.NyxException;
import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import java.util.Set;

/** {@code GET /traits}, {@code GET /traits/{name}}, {@code PUT /traits/{name}}. */
final class TraitsApi {
  static final int HISTORY = 20;
  static final int OUTCOMES = 2000;
  static final int BINS = 10;

  private final TraitWeightStore traits;
  private final ClusterStore clusters;
  private final TraitWeights weights;

  TraitsApi(TraitWeightStore traits, ClusterStore clusters, TraitWeights weights) {
    this.traits = traits;
    this.clusters = clusters;
    this.weights = weights;
  }

  void list(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object();
    var arr = o.putArray("traits");
    traits.all().values().stream()
        .sorted(java.util.Comparator.comparing(io.nyx.learning.TraitWeight::name))
        .forEach(w -> arr.add(Responses.trait(w)));
    Http.json(res, 200, o);
  }

  /**
   * Operator steering: {@code {"weight", "reason"}} sets, {@code {"nudge", "reason"}} adds. Either
   * way the result is the trait's new prior, pinned for {@code traits.pin_s} (TraitPosterior).
   */
  void set(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    Fields f =
        new Fields(Json.parseObject(Http.body(req))).only(Set.of("weight", "nudge", "reason"));
    String reason = f.requireString("reason", 1000);
    try {
      var w = steer(f, name, reason);
      weights.apply(w);
      Http.json(res, 200, Responses.trait(w));
    } catch (NoSuchElementException e) {
      throw new NyxException.NotFound("name", "no trait named '" + name + "'");
    }
  }

  private io.nyx.learning.TraitWeight steer(Fields f, String name, String reason) {
    OptionalDouble weight = f.optNumber("weight", 0, 1);
    OptionalDouble nudge = f.optNumber("nudge", -1, 1);
    if (weight.isPresent() == nudge.isPresent()) {
      throw new NyxException.BadRequest("weight", "give exactly one of 'weight' and 'nudge'");
    }
    return weight.isPresent()
        ? traits.set(name, weight.getAsDouble(), "operator", reason)
        : traits.update(name, nudge.getAsDouble(), "operator", reason);
  }

  /**
   * {@code GET /traits/{name}}: weight, posterior, per-query-cluster weights and posteriors, recent
   * history and calibration.
   */
  void show(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    TraitPosterior p = traits.posteriors().get(name);
    if (p == null) {
      throw new NyxException.NotFound("name", "no trait named '" + name + "'");
    }
    ObjectNode o = Responses.trait(traits.find(name).orElseThrow());
    o.set("posterior", posterior(p, traits.settings()));
    var history = o.putArray("history");
    for (TraitChange c : traits.history(name, HISTORY)) {
      history.add(change(c));
    }
    var inClusters = o.putArray("clusters");
    clusters
        .clusterPosteriors()
        .getOrDefault(name, java.util.Map.of())
        .forEach(
            (cluster, c) -> {
              ObjectNode one = inClusters.addObject();
              one.put("cluster", cluster);
              one.put("weight", c.weight());
              one.set("posterior", posterior(c, traits.settings()));
            });
    o.set("calibration", calibration(Calibration.of(traits.outcomes(name, OUTCOMES), BINS)));
    Http.json(res, 200, o);
  }

  private static ObjectNode posterior(TraitPosterior p, LearningSettings s) {
    ObjectNode o = Json.object();
    o.put("family", "beta");
    o.put("alpha", p.alpha(s));
    o.put("beta", p.beta(s));
    o.put("mean", p.mean(s));
    o.put("prior_weight", p.priorWeight());
    o.put("prior_strength", s.priorStrength());
    o.put("evidence", p.successes() + p.failures());
    o.put("observations_total", p.trials());
    o.put("successes_total", p.successTotal());
    o.put("pinned_until", p.pinnedUntil().toString());
    return o;
  }

  private static ObjectNode change(TraitChange c) {
    ObjectNode o = Json.object();
    o.put("at", c.at().toString());
    o.put("old_weight", c.oldWeight());
    o.put("new_weight", c.newWeight());
    o.put("delta", c.delta());
    o.put("source", c.source());
    o.put("reason", c.reason());
    return o;
  }

  private static ObjectNode calibration(Calibration cal) {
    ObjectNode o = Json.object();
    o.put("ece", cal.ece());
    o.put("rated_answers", cal.count());
    var curve = o.putArray("curve");
    for (Calibration.Bin b : cal.curve()) {
      ObjectNode bin = curve.addObject();
      bin.put("lo", b.lo());
      bin.put("hi", b.hi());
      bin.put("count", b.count());
      bin.put("confidence", b.confidence());
      bin.put("accuracy", b.accuracy());
    }
    return o;
  }
}
