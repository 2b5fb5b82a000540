package io.nyx.routing;

import io.nyx.settings.SettingException;
import java.util.List;

/**
 * Knobs of the router; YAML keys are {@code routing.<snake_case name>}. See SemanticRouter for the
 * formula each semantic knob enters and PolicyRouter for the master and the pins.
 *
 * <p>How the defaults were chosen (docs/routing.md has the figures): on the shipped specialists
 * ({@code default-labeled.jsonl}) and a 50-intent set with 10 exemplars per intent ({@code
 * many-intents.yaml}; tuned on {@code many-intents-tune.jsonl}, reported on {@code
 * many-intents-test.jsonl}), centroid-only, k-nearest, their blend, shrinkage LDA, whitened cosine,
 * logistic regression and per-route calibration on pooled vectors all land within two points of
 * each other (the blend k = 3, weight 0.75 stays for embedders without token vectors); token
 * matching ({@code token_weight} 0.5) is what moved accuracy above the centroid. The abstention
 * threshold is not a constant: by default ({@code threshold: auto}) it is the {@code
 * abstain_quantile} quantile of the exemplars' own leave-one-out scores, computed at load time, so
 * it follows the route set and the embedding model.
 *
 * @param threshold abstain when the best final score is below this; 0 (YAML {@code auto}) means
 *     calibrate it from the exemplars ({@code routing.threshold})
 * @param priorStrength exponent of the trait-weight prior; 0 ignores trait weights, but a weight of
 *     0 still never wins ({@code routing.prior_strength})
 * @param topK how many of a specialist's nearest exemplars are averaged ({@code routing.top_k})
 * @param centroidWeight share of the centroid cosine in the similarity, the rest being the top-k
 *     mean ({@code routing.centroid_weight})
 * @param tokenWeight share of the late-interaction (token) score when the embedder gives token
 *     vectors, the rest being the centroid cosine; 0 keeps the top-k/centroid blend ({@code
 *     routing.token_weight})
 * @param confidenceTemperature softmax temperature, in score units, that turns scores into a
 *     confidence ({@code routing.confidence_temperature})
 * @param abstainQuantile with {@code threshold: auto}, the share of exemplars (scored against their
 *     own specialist without themselves) that would fall below the threshold: an estimate of the
 *     wrongly-abstained rate on in-scope queries ({@code routing.abstain_quantile})
 * @param mode semantic, master or hybrid ({@code routing.mode})
 * @param masterMargin in hybrid mode, ask the master when top score - second score is below this
 *     ({@code routing.master_margin})
 * @param masterBand in hybrid mode, also ask the master when the top score is within this of the
 *     abstain threshold, on either side: whether the query is in scope at all is the close call
 *     then ({@code routing.master_band}; 0 turns it off)
 * @param masterWeight how much of the master's confidence is added to its pick's score ({@code
 *     routing.master_weight})
 * @param master where the master model is ({@code routing.master_url}, {@code
 *     routing.master_model}, {@code routing.master_timeout_ms})
 * @param pinned when not empty, this specialist answers every query that does not force one ({@code
 *     routing.pinned})
 * @param disabled specialists never chosen ({@code routing.disabled})
 */
public record RoutingSettings(
    double threshold,
    double priorStrength,
    int topK,
    double centroidWeight,
    double tokenWeight,
    double confidenceTemperature,
    double abstainQuantile,
    RoutingMode mode,
    double masterMargin,
    double masterBand,
    double masterWeight,
    MasterSettings master,
    String pinned,
    List<String> disabled) {

  /** {@code threshold} value that asks for calibration from the exemplars. */
  public static final double AUTO_THRESHOLD = 0;

  public static final double DEFAULT_THRESHOLD = AUTO_THRESHOLD;
  public static final double DEFAULT_PRIOR_STRENGTH = 0.5;
  public static final int DEFAULT_TOP_K = 3;
  public static final double DEFAULT_CENTROID_WEIGHT = 0.75;
  public static final double DEFAULT_CONFIDENCE_TEMPERATURE = 0.05;

  /**
   * Half token matching, half centroid: chosen on the tune split and the shipped five (0.4–0.6 and
   * idf powers 1–2 were within a point; docs/routing.md has the figures).
   */
  public static final double DEFAULT_TOKEN_WEIGHT = 0.5;

  /**
   * {@code token_weight: auto} (the default): the weight chosen for the embedding model in use,
   * {@link SemanticRouter#tokenWeightFor} — {@link #DEFAULT_TOKEN_WEIGHT} for MiniLM, 0.25 for BGE,
   * whose pooled [CLS] vector already carries more of what the token match adds (on the tune splits
   * of Banking77, HWU64, SLURP and the 50 intents, BGE's mean in-scope accuracy was 0.873 at 0.25,
   * 0.866 at 0.5 and 0.861 without token matching; MiniLM's 0.858 at 0.5, 0.845 at 0.25).
   */
  public static final double AUTO_TOKEN_WEIGHT = -1;

  /**
   * The share of leave-one-out exemplar scores below the threshold, which is about the share of
   * in-scope queries wrongly abstained: 0.02 for the target of at most 2 %. (0.03 wrongly abstained
   * 3.3 % on the many-intents test split; 0.02 gives 2.0 % there, 1.3 % on the tune split and 0.7 %
   * on the shipped five, with out-of-scope recall 0.70 / 0.67 / 0.73.)
   */
  public static final double DEFAULT_ABSTAIN_QUANTILE = 0.02;

  public static final RoutingMode DEFAULT_MODE = RoutingMode.HYBRID;
  public static final double DEFAULT_MASTER_MARGIN = 0.02;

  /**
   * Close calls on abstention: with a perfect master, ±0.03 around the threshold would be asked for
   * 7–14 % of queries and fix 2–6 points of in-scope accuracy and 3–7 of out-of-scope recall on the
   * labeled sets (docs/routing.md); ±0.05 asks up to 22 % for little more.
   */
  public static final double DEFAULT_MASTER_BAND = 0.03;

  public static final double DEFAULT_MASTER_WEIGHT = 0.5;

  public static final RoutingSettings DEFAULT =
      new RoutingSettings(
          DEFAULT_THRESHOLD,
          DEFAULT_PRIOR_STRENGTH,
          DEFAULT_TOP_K,
          DEFAULT_CENTROID_WEIGHT,
          DEFAULT_CONFIDENCE_TEMPERATURE);

  /**
   * Where the master model is. Empty {@code url} / {@code model} mean the shared {@code llm.url}
   * and {@code llm.base_model}.
   */
  public record MasterSettings(String url, String model, int timeoutMs) {
    public static final int DEFAULT_TIMEOUT_MS = 3_000;
    public static final MasterSettings DEFAULT = new MasterSettings("", "", DEFAULT_TIMEOUT_MS);

    public MasterSettings {
      url = url == null ? "" : url;
      model = model == null ? "" : model;
      if (!url.isEmpty() && !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new SettingException("master_url", url, "empty or an http(s) URL");
      }
      if (timeoutMs < 1 || timeoutMs > 600_000) {
        throw new SettingException("master_timeout_ms", timeoutMs, "in [1, 600000]");
      }
    }
  }

  /** Semantic knobs only; everything else at its default. */
  public RoutingSettings(
      double threshold,
      double priorStrength,
      int topK,
      double centroidWeight,
      double confidenceTemperature) {
    this(
        threshold,
        priorStrength,
        topK,
        centroidWeight,
        AUTO_TOKEN_WEIGHT,
        confidenceTemperature,
        DEFAULT_ABSTAIN_QUANTILE,
        DEFAULT_MODE,
        DEFAULT_MASTER_MARGIN,
        DEFAULT_MASTER_BAND,
        DEFAULT_MASTER_WEIGHT,
        MasterSettings.DEFAULT,
        "",
        List.of());
  }

  public RoutingSettings {
    // Written as !(in range) so NaN is rejected too.
    if (!(threshold >= 0 && threshold < 1)) {
      throw new SettingException("threshold", threshold, "auto or in (0,1)");
    }
    if (!(priorStrength >= 0 && priorStrength <= 4)) {
      throw new SettingException("prior_strength", priorStrength, "in [0,4]");
    }
    if (topK < 1 || topK > 100) {
      throw new SettingException("top_k", topK, "in [1,100]");
    }
    if (!(centroidWeight >= 0 && centroidWeight <= 1)) {
      throw new SettingException("centroid_weight", centroidWeight, "in [0,1]");
    }
    if (!(tokenWeight == AUTO_TOKEN_WEIGHT || (tokenWeight >= 0 && tokenWeight <= 1))) {
      throw new SettingException("token_weight", tokenWeight, "auto or in [0,1]");
    }
    if (!(confidenceTemperature > 0 && confidenceTemperature <= 1)) {
      throw new SettingException("confidence_temperature", confidenceTemperature, "in (0,1]");
    }
    if (!(abstainQuantile > 0 && abstainQuantile <= 0.5)) {
      throw new SettingException("abstain_quantile", abstainQuantile, "in (0,0.5]");
    }
    if (!(masterMargin >= 0 && masterMargin <= 1)) {
      throw new SettingException("master_margin", masterMargin, "in [0,1]");
    }
    if (!(masterBand >= 0 && masterBand <= 1)) {
      throw new SettingException("master_band", masterBand, "in [0,1]");
    }
    if (!(masterWeight >= 0 && masterWeight <= 10)) {
      throw new SettingException("master_weight", masterWeight, "in [0,10]");
    }
    if (mode == null) {
      throw new SettingException("mode", "null", "semantic, master or hybrid");
    }
    master = master == null ? MasterSettings.DEFAULT : master;
    pinned = pinned == null ? "" : pinned;
    disabled = List.copyOf(disabled == null ? List.of() : disabled);
    if (!pinned.isEmpty() && disabled.contains(pinned)) {
      throw new SettingException("pinned", pinned, "a specialist that is not disabled");
    }
  }

  public boolean autoThreshold() {
    return threshold == AUTO_THRESHOLD;
  }

  public RoutingSettings withThreshold(double value) {
    return with(d -> d.threshold = value);
  }

  public RoutingSettings withPriorStrength(double value) {
    return with(d -> d.priorStrength = value);
  }

  public RoutingSettings withTopK(int value) {
    return with(d -> d.topK = value);
  }

  public RoutingSettings withCentroidWeight(double value) {
    return with(d -> d.centroidWeight = value);
  }

  public RoutingSettings withTokenWeight(double value) {
    return with(d -> d.tokenWeight = value);
  }

  public RoutingSettings withAbstainQuantile(double value) {
    return with(d -> d.abstainQuantile = value);
  }

  public RoutingSettings withMode(RoutingMode value) {
    return with(d -> d.mode = value);
  }

  public RoutingSettings withMasterBand(double value) {
    return with(d -> d.masterBand = value);
  }

  /** The pin and the disabled list replaced together (a pin may not be disabled). */
  public RoutingSettings withPins(String newPinned, List<String> newDisabled) {
    return with(
        d -> {
          d.pinned = newPinned;
          d.disabled = newDisabled;
        });
  }

  /** A copy with {@code change} applied to its components, validated like any instance. */
  private RoutingSettings with(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The components, mutable, for {@link #with}. */
  private static final class Draft {
    double threshold;
    double priorStrength;
    int topK;
    double centroidWeight;
    double tokenWeight;
    double confidenceTemperature;
    double abstainQuantile;
    RoutingMode mode;
    double masterMargin;
    double masterBand;
    double masterWeight;
    MasterSettings master;
    String pinned;
    List<String> disabled;

    Draft(RoutingSettings s) {
      threshold = s.threshold;
      priorStrength = s.priorStrength;
      topK = s.topK;
      centroidWeight = s.centroidWeight;
      tokenWeight = s.tokenWeight;
      confidenceTemperature = s.confidenceTemperature;
      abstainQuantile = s.abstainQuantile;
      mode = s.mode;
      masterMargin = s.masterMargin;
      masterBand = s.masterBand;
      masterWeight = s.masterWeight;
      master = s.master;
      pinned = s.pinned;
      disabled = s.disabled;
    }

    RoutingSettings build() {
      return new RoutingSettings(
          threshold,
          priorStrength,
          topK,
          centroidWeight,
          tokenWeight,
          confidenceTemperature,
          abstainQuantile,
          mode,
          masterMargin,
          masterBand,
          masterWeight,
          master,
          pinned,
          disabled);
    }
  }
}
