package io.nyx.routing;

import io.nyx.memory.Embedder;
import io.nyx.memory.Encoded;
import io.nyx.memory.TokenVectors;
import io.nyx.memory.VectorMath;
import io.nyx.specialist.SpecialistConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Routes a query to the specialist whose description and exemplars it is closest to in sentence
 * embedding space. Each specialist i owns "anchors": its description (when not blank) and its
 * exemplars, embedded once at construction. For a query q (unit vector) and an embedder that gives
 * token vectors (the in-process MiniLM), with t = {@code tokenWeight}:
 *
 * <pre>
 *   sim_i   = (1 - t) * cos(q, centroid_i)  +  t * maxsim_i
 *   prior_i = (w_i / 0.5)^lambda, and 0 when w_i = 0
 *   score_i = clamp(sim_i * prior_i, 0, 1)
 * </pre>
 *
 * where centroid_i = normalised mean of its anchors and maxsim_i is the idf-weighted token match of
 * {@link LateInteraction}, computed for the {@link #CANDIDATES} specialists nearest by centroid (0
 * for the rest, which the centroid alone already puts behind). The centroid says what the query is
 * about as a whole; the token match rewards the words that tell intents apart ("pin", "refund"),
 * which one pooled vector blurs: on the 50-intent tune split it lifted accuracy from 0.887 (the
 * centroid alone) to 0.933. Without token vectors (a remote embedder, or {@code tokenWeight} 0):
 *
 * <pre>
 *   sim_i   = (1 - a) * mean of the k largest cos(q, anchor)  +  a * cos(q, centroid_i)
 * </pre>
 *
 * with a = {@code centroidWeight} and k = {@code topK} (capped by the specialist's anchor count).
 * w_i is the specialist's trait weight (its {@code initialWeight} when absent from the map) and
 * lambda = {@code priorStrength}. The prior is multiplicative (log-linear: log score = log sim +
 * lambda log(w/0.5)), so the neutral weight 0.5 leaves similarity untouched, a higher weight helps
 * in proportion to how close the race already is, and a weight of 0 always scores 0 and so can
 * never win (the threshold is positive).
 *
 * <p>Specialists are ranked by score, ties by name. The decision takes the highest-ranked
 * specialist whose fit {@code sim_i · min(prior_i, 1)} reaches the threshold, and abstains when
 * none does: a raised weight reorders specialists that fit, but cannot make an unrelated query fit.
 * With {@code threshold: auto} the threshold is calibrated at construction: every anchor r of a
 * specialist with at least two anchors is scored as a query against its own specialist with r left
 * out (top-k over the others, centroid of the others, prior 1), and the threshold is the {@code
 * abstainQuantile} quantile of those leave-one-out scores (linear interpolation between order
 * statistics). Held-out in-scope queries look like unseen exemplars, so the quantile estimates the
 * share of in-scope queries wrongly abstained, whatever the route set or embedding model; it costs
 * sum over specialists of anchors^2 dot products (times tokens^2 with token matching, so at most
 * {@link #MAX_CALIBRATION} anchors are scored), not anchors^2 overall. Without any specialist of
 * two anchors it falls back to {@link #FALLBACK_THRESHOLD}. With T = {@code confidenceTemperature},
 * p_top = softmax(score / T) of the best specialist and s(x) = 1 / (1 + e^-x):
 *
 * <pre>
 *   chosen:    confidence = p_top * s((best - threshold) / T)
 *   abstained: confidence = s((threshold - best) / T)
 * </pre>
 *
 * so a narrow win or a score just over the threshold gives low confidence, which is what the route
 * policy needs to decide when to ask the master model.
 *
 * <p>With a ranking model ({@link RankingModel}: a second sentence encoder, bge-small beside
 * MiniLM) the specialists of a close race are ordered by the ranking model's centroid cosine and
 * the token match, moved to the sim_i's scale, instead of by sim_i; the fit stays sim_i's. The
 * decision's {@code fit} says what was compared with the threshold, since a score is then no longer
 * a fit. The ranking model also has a router of its own (this class on its vectors, with its token
 * weight, its calibration at the same quantile and the same learned exemplars), which is asked
 * before abstaining when the threshold is calibrated: where it finds a specialist that fits by its
 * own threshold (for a query short enough to rank), that choice is taken ({@link
 * RouteMethod#SECOND_OPINION}), with its similarities moved to this query's scale and a fit of this
 * threshold plus what it cleared its own by. An in-scope question is then abstained on only when it
 * fails both models, and an out-of-scope one still fails both: on the labeled sets wrong
 * abstentions about halved (all but the shipped five, unchanged) for a few hundredths of
 * out-of-scope recall (docs/routing.md has the figures). A configured threshold is on this model's
 * scale alone, so it is never asked then.
 *
 * <p>Learned exemplars ({@link #useLearned}) join their specialist's anchors after the operator's
 * ones, oldest first: they move its centroid and token match like any exemplar. They are also real
 * in-scope questions, the only evidence of how the route's traffic is worded, so with {@code
 * threshold: auto} they calibrate it too (split conformal, scored prequentially): each is scored as
 * the question it was when it came, against the operator's anchors and the exemplars learned before
 * it ({@link Prequential}; its best fit at the neutral prior: what decides whether such a question
 * is abstained on), and with n of those scores the traffic threshold is the k-th smallest, k =
 * floor(abstainQuantile · (n + 1)), so that a new question exchangeable with them falls below it
 * with probability at most abstainQuantile. Below k = {@link #MIN_TRAFFIC_RANK} (249 learned at the
 * default 0.02) there is too little evidence and nothing changes. Scoring each against all the
 * others instead (leave one out) lets learned questions that resemble each other vouch for each
 * other, and wrong abstentions came back (docs/routing.md has the figures). The threshold in use is
 * the lower of the two: the exemplars' leave-one-out quantile is wrong where the operator wrote
 * them alike and questions come worded otherwise (it then abstains on several times the configured
 * share), which only traffic can show; and learned exemplars come mostly from answered questions,
 * so they never raise it (a traffic threshold above it would be biased by the questions it already
 * abstained on, which only a correction brings back, and would ratchet up).
 *
 * <p>Thread-safe; every decision is a pure function of the query vector, the weights and the
 * current {@link Index}, an immutable snapshot swapped whole when learned exemplars change. Anchors
 * live in one flat (anchors, dim) float array grouped by specialist, so a query costs one pass over
 * it and a few arrays of length specialists.
 */
public final class SemanticRouter implements Router {
  /** The trait weight at which the prior is neutral (the shipped initial weight). */
  static final double NEUTRAL_WEIGHT = 0.5;

  /** The threshold hand-tuned on the shipped five before calibration existed. */
  public static final double FALLBACK_THRESHOLD = 0.25;

  /**
   * Token matching runs for this many specialists nearest by centroid: 8 of 50 intents decided
   * exactly as all 50 did on the tune and test splits, and 500 specialists cost no more than 8.
   */
  static final int CANDIDATES = 8;

  /** At most this many anchors are scored to calibrate the threshold with token matching. */
  static final int MAX_CALIBRATION = 2048;

  /**
   * The traffic threshold is the k-th lowest learned score only from k = 5 on: a question that
   * scored nothing when it came (a wording the route had never seen, or a careless correction)
   * would otherwise set it alone; at k = 5 it takes five.
   */
  static final int MIN_TRAFFIC_RANK = 5;

  /**
   * The newest this many learned exemplars calibrate it from traffic (more when the quantile needs
   * more to reach {@link #MIN_TRAFFIC_RANK}): each costs one routing pass, and a reload runs on
   * every learned exemplar added (92 ms with Banking77's 62 routes: LearnedReloadBenchmark).
   */
  static final int MAX_TRAFFIC_CALIBRATION = 256;

  private final Embedder embedder;
  private final @Nullable RankingModel ranking; // orders close races, asked before abstaining
  private final RoutingSettings settings;
  private final double tokenWeight; // resolved: settings' weight, or the model's with auto
  private final ExemplarCache cache;
  private final String[] names;
  private final double[] initialWeights;
  private final int dim;
  private final List<List<Encoded>> operator; // per specialist: its description and exemplars
  private volatile Index index;
  private final double operatorThreshold; // configured, or calibrated on the operator's exemplars

  /**
   * The anchors in use, immutable. Specialist i owns rows [firstAnchor[i], firstAnchor[i + 1]), the
   * operator's first, its learned ones from firstLearned[i].
   *
   * @param anchors (anchor count, dim), unit rows, grouped by specialist
   * @param centroids (specialist count, dim), unit rows
   * @param late null: the top-k/centroid blend
   * @param rankCentroids (specialist count, ranker dim), unit rows; null without a ranking model
   * @param second the ranking model's router's snapshot these were built with (its centroids are
   *     rankCentroids but for a tentative index), so a decision reads both routers' anchors of one
   *     moment; null without a ranking model
   * @param threshold the abstention threshold with these anchors (class Javadoc)
   * @param traffic the learned exemplars' calibration, infinite when there is none
   * @param learnedScores the learned exemplars' scores as they came, by arrival (NaN: not scored)
   */
  private record Index(
      float[] anchors,
      int[] firstAnchor,
      int[] firstLearned,
      float[] centroids,
      @Nullable LateInteraction late,
      float @Nullable [] rankCentroids,
      @Nullable Index second,
      Map<String, List<Encoded>> learned,
      double threshold,
      double traffic,
      double[] learnedScores) {
    Index withThresholds(double t, double fromTraffic, double[] scores) {
      return new Index(
          anchors,
          firstAnchor,
          firstLearned,
          centroids,
          late,
          rankCentroids,
          second,
          learned,
          t,
          fromTraffic,
          scores);
    }
  }

  public SemanticRouter(
      Embedder embedder, List<SpecialistConfig> specialists, RoutingSettings settings) {
    this(embedder, specialists, settings, ExemplarCache.NONE);
  }

  /** Exemplar (and description) vectors come through {@code cache}; queries never do. */
  public SemanticRouter(
      Embedder embedder,
      List<SpecialistConfig> specialists,
      RoutingSettings settings,
      ExemplarCache cache) {
    this(embedder, null, specialists, settings, cache);
  }

  /**
   * With a ranking model ({@code ranker}, may be null): its sentence vectors order the specialists
   * whose fit by {@code embedder} reaches the threshold, and its own router is asked before
   * abstaining (class Javadoc).
   */
  public SemanticRouter(
      Embedder embedder,
      @Nullable Embedder ranker,
      List<SpecialistConfig> specialists,
      RoutingSettings settings,
      ExemplarCache cache) {
    requireUniqueNames(specialists);
    this.embedder = embedder;
    this.settings = settings;
    this.tokenWeight =
        settings.tokenWeight() == RoutingSettings.AUTO_TOKEN_WEIGHT
            ? tokenWeightFor(embedder.modelId())
            : settings.tokenWeight();
    this.cache = cache;
    this.dim = embedder.dimension();
    int n = specialists.size();
    this.names = new String[n];
    this.initialWeights = new double[n];
    List<String> texts = new ArrayList<>();
    int[] first = new int[n + 1];
    for (int i = 0; i < n; i++) {
      SpecialistConfig s = specialists.get(i);
      names[i] = s.name();
      initialWeights[i] = s.initialWeight();
      first[i] = texts.size();
      texts.addAll(anchorTexts(s));
    }
    first[n] = texts.size();
    List<Encoded> encoded = cache.encodeAll(embedder, texts);
    List<List<Encoded>> own = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      own.add(List.copyOf(encoded.subList(first[i], first[i + 1])));
    }
    this.operator = List.copyOf(own);
    this.ranking = ranker == null ? null : rankingModel(ranker, specialists, settings, cache);
    Index theirs = ranking == null ? null : ranking.router().index;
    Index bare = build(Map.of(), theirs, FALLBACK_THRESHOLD); // calibrated on it next
    this.operatorThreshold =
        settings.autoThreshold() ? calibrate(bare, encoded) : settings.threshold();
    this.index = bare.withThresholds(operatorThreshold, Double.POSITIVE_INFINITY, new double[0]);
  }

  /**
   * The ranking model's own router. With a configured threshold it is never asked, and only its
   * centroids order close races: it keeps no word pieces then, which would cost memory and start-up
   * time for nothing.
   */
  private static RankingModel rankingModel(
      Embedder ranker,
      List<SpecialistConfig> specialists,
      RoutingSettings settings,
      ExemplarCache cache) {
    if (settings.autoThreshold()) {
      return new RankingModel(new SemanticRouter(ranker, null, specialists, settings, cache));
    }
    ExemplarCache pooled =
        (model, texts) ->
            cache.encodeAll(model, texts).stream()
                .map(e -> Encoded.pooledOnly(e.vector()))
                .toList();
    return new RankingModel(
        new SemanticRouter(ranker, null, specialists, settings.withTokenWeight(0), pooled));
  }

  /** A learned exemplar as routing takes it: the specialist it teaches, and its text. */
  public record LearnedText(String route, String text) {}

  /**
   * Replaces the learned exemplars: {@code learned} maps a specialist name to its learned texts,
   * taken as having come in the map's order, each list oldest first ({@link #useLearned(List)}).
   */
  public void useLearned(Map<String, List<String>> learned) {
    List<LearnedText> inOrder = new ArrayList<>();
    learned.forEach((route, texts) -> texts.forEach(t -> inOrder.add(new LearnedText(route, t))));
    useLearned(inOrder);
  }

  /**
   * Replaces the learned exemplars with {@code learned}, in the order they came (oldest first;
   * texts of no specialist and blank ones are ignored). Their vectors come through the exemplar
   * cache; decisions made meanwhile use the previous set. With {@code threshold: auto} they may
   * lower the threshold (class Javadoc), which is why their order matters. One reload at a time, so
   * the ranking model's router always holds the set this one does.
   */
  public synchronized void useLearned(List<LearnedText> learned) {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      position.put(names[i], i);
    }
    List<List<String>> texts = new ArrayList<>();
    List<List<Integer>> arrived = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      texts.add(new ArrayList<>());
      arrived.add(new ArrayList<>());
    }
    for (int n = 0; n < learned.size(); n++) {
      Integer i = position.get(learned.get(n).route());
      if (i != null && !learned.get(n).text().isBlank()) {
        texts.get(i).add(learned.get(n).text());
        arrived.get(i).add(n);
      }
    }
    List<String> all = texts.stream().flatMap(List::stream).toList();
    List<Encoded> vectors = all.isEmpty() ? List.of() : cache.encodeAll(embedder, all);
    Index theirs = null;
    if (ranking != null) {
      ranking.router().useLearned(learned);
      theirs = ranking.router().index;
    }
    Map<String, List<Encoded>> byName = new LinkedHashMap<>();
    int[][] arrivals = new int[names.length][];
    int next = 0;
    for (int i = 0; i < names.length; i++) {
      int count = texts.get(i).size();
      byName.put(names[i], vectors.subList(next, next + count));
      arrivals[i] = arrived.get(i).stream().mapToInt(Integer::intValue).toArray();
      next += count;
    }
    Index built = build(byName, theirs, operatorThreshold);
    if (settings.autoThreshold()) {
      double[] scores = learnedScores(built, arrivals, learned.size());
      double traffic = trafficThreshold(scores);
      built = built.withThresholds(Math.min(operatorThreshold, traffic), traffic, scores);
    }
    this.index = built;
  }

  /**
   * Whether adding {@code candidate} (the encoding of {@code text}) as a learned exemplar of {@code
   * name} leaves every configured exemplar of the other specialists decided as now: a learned
   * exemplar may add to a route but never take what the operator wrote for another one. An exemplar
   * of specialist j is taken when, with the candidate added, it is more similar to {@code name}
   * than to j while it was decided as j before, by the fit or, with a ranking model, by the
   * ranking. Costs two similarities per configured exemplar and order (a full decision only for the
   * few that would be taken); learning calls it, queries never do.
   */
  public boolean keepsConfigured(String name, String text, Encoded candidate) {
    int target = List.of(names).indexOf(name);
    if (target < 0) {
      return true;
    }
    Index now = index;
    Map<String, List<Encoded>> more = plus(now.learned(), name, candidate);
    RankingModel rm = ranking;
    float[] rankCentroids =
        rm == null ? null : rm.router().centroidsWith(name, rm.model().encode(text));
    Index tentative = build(more, rankCentroids, now.second(), now.threshold());
    for (int j = 0; j < names.length; j++) {
      for (int k = 0; j != target && k < operator.get(j).size(); k++) {
        Encoded anchor = operator.get(j).get(k);
        float[] ranked = rm == null ? null : rm.router().operator.get(j).get(k).vector();
        if (taken(now, tentative, anchor, ranked, target, j)) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code learned} with {@code candidate} added to {@code name}'s, a copy. */
  private static Map<String, List<Encoded>> plus(
      Map<String, List<Encoded>> learned, String name, Encoded candidate) {
    Map<String, List<Encoded>> more = new LinkedHashMap<>(learned);
    List<Encoded> own = new ArrayList<>(more.getOrDefault(name, List.of()));
    own.add(candidate);
    more.put(name, own);
    return more;
  }

  /** The centroids in use with {@code candidate} learned for {@code name} too. */
  private float[] centroidsWith(String name, Encoded candidate) {
    Layout l = layout(plus(index.learned(), name, candidate));
    return centroids(l.vectors(dim), l.first());
  }

  /**
   * The anchors in row order, the operator's then the learned ones per specialist, with where each
   * specialist's rows start ({@code first}, one past the end last) and its learned ones start.
   */
  private record Layout(List<Encoded> all, int[] first, int[] firstLearned) {
    /** The sentence vectors as one (anchors, dim) array. */
    float[] vectors(int dim) {
      float[] out = new float[all.size() * dim];
      for (int row = 0; row < all.size(); row++) {
        float[] v = all.get(row).vector();
        if (v.length != dim) {
          throw new IllegalStateException("embedder returned " + v.length + "-d, not " + dim);
        }
        System.arraycopy(v, 0, out, row * dim, dim);
      }
      return out;
    }
  }

  private Layout layout(Map<String, List<Encoded>> learned) {
    int n = names.length;
    int[] first = new int[n + 1];
    int[] firstLearned = new int[n];
    List<Encoded> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      first[i] = all.size();
      all.addAll(operator.get(i));
      firstLearned[i] = all.size();
      all.addAll(learned.getOrDefault(names[i], List.of()));
    }
    first[n] = all.size();
    return new Layout(all, first, firstLearned);
  }

  /**
   * Whether configured exemplar {@code anchor} of j (with its ranking vector, if any) goes to
   * {@code target} in {@code tentative} while it was decided as j in {@code now}.
   */
  private boolean taken(
      Index now, Index tentative, Encoded anchor, float @Nullable [] ranked, int target, int j) {
    if (similarity(tentative, anchor, target) > similarity(tentative, anchor, j)
        && argmax(similarities(now, anchor)) == j) {
      return true;
    }
    if (ranked == null) {
      return false;
    }
    return ranksAbove(tentative, anchor, ranked, target, j)
        && argmax(rankSimilarities(now, scored(now, anchor), ranked)) == j;
  }

  /**
   * Whether specialist a's ranking similarity ({@link #rankSimilarities}, before it is moved to the
   * fit's scale, which keeps the order within one query) is above b's, for a query whose ranking
   * vector is {@code ranked}: the two computed alone.
   */
  private boolean ranksAbove(Index ix, Encoded query, float[] ranked, int a, int b) {
    float[] rankCentroids = Objects.requireNonNull(ix.rankCentroids(), "built with a ranker");
    double[] rankCos = cosines(ranked, rankCentroids);
    LateInteraction late = ix.late();
    if (late == null || query.tokens().isEmpty()) {
      return rankCos[a] > rankCos[b];
    }
    boolean[] candidate = nearest(cosines(query.vector(), ix.centroids()), CANDIDATES);
    boolean[] rankCandidate = nearest(rankCos, CANDIDATES);
    LateInteraction.Query lq = late.query(query.tokens());
    double[] rank = new double[2];
    int[] pair = {a, b};
    for (int k = 0; k < 2; k++) {
      int i = pair[k];
      double tokens = candidate[i] || rankCandidate[i] ? late.score(lq, i) : 0;
      rank[k] = RankingModel.rank(rankCos[i], tokens);
    }
    return rank[0] > rank[1];
  }

  /** sim_i of {@link #similarities} for one specialist. */
  private double similarity(Index ix, Encoded query, int i) {
    float[] q = query.vector();
    LateInteraction late = ix.late();
    if (late == null) {
      return blendedOne(ix, q, i, new double[settings.topK()]);
    }
    double[] cos = new double[names.length];
    for (int k = 0; k < names.length; k++) {
      cos[k] = dot(q, ix.centroids(), k);
    }
    if (query.tokens().isEmpty()) {
      return cos[i];
    }
    double tokens = nearest(cos, CANDIDATES)[i] ? late.score(late.query(query.tokens()), i) : 0;
    return (1 - tokenWeight) * cos[i] + tokenWeight * tokens;
  }

  private static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** How many learned exemplars each specialist has in use, in configuration order. */
  public Map<String, Integer> learnedCounts() {
    Index ix = index;
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      out.put(names[i], ix.firstAnchor()[i + 1] - ix.firstLearned()[i]);
    }
    return out;
  }

  /**
   * For each specialist, the largest cosine of {@code vector} to one of its anchors: the operator's
   * alone ({@code operatorOnly}) or all of them. What learning checks a candidate exemplar against
   * (a near copy of an anchor adds nothing; one of another specialist's operator exemplar would
   * contradict the operator).
   */
  public double[] nearestAnchor(float[] vector, boolean operatorOnly) {
    Index ix = index;
    double[] out = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      int end = operatorOnly ? ix.firstLearned()[i] : ix.firstAnchor()[i + 1];
      double best = -1;
      for (int row = ix.firstAnchor()[i]; row < end; row++) {
        best = Math.max(best, dot(vector, ix.anchors(), row));
      }
      out[i] = best;
    }
    return out;
  }

  /**
   * The token weight {@code token_weight: auto} gives a model: 0.25 for bge-small-en-v1.5 (its
   * [CLS] vector already carries much of what the token match adds), {@link
   * RoutingSettings#DEFAULT_TOKEN_WEIGHT} otherwise (RoutingSettings has the figures).
   */
  public static double tokenWeightFor(String modelId) {
    return modelId.startsWith("bge-small-en-v1.5") ? 0.25 : RoutingSettings.DEFAULT_TOKEN_WEIGHT;
  }

  /** The token weight in use (the configured one, or the model's with auto). */
  public double tokenWeight() {
    return tokenWeight;
  }

  /** The embedder the anchors were made with (a candidate exemplar must be embedded by it). */
  public Embedder embedder() {
    return embedder;
  }

  /**
   * The anchors of the operator and {@code learned}, with the ranking model's router's snapshot
   * {@code second} (null without one) and its centroids, and {@code threshold}.
   */
  private Index build(
      Map<String, List<Encoded>> learned, @Nullable Index second, double threshold) {
    return build(learned, second == null ? null : second.centroids(), second, threshold);
  }

  /** {@link #build(Map, Index, double)} with ranking centroids of its own (a tentative index). */
  private Index build(
      Map<String, List<Encoded>> learned,
      float @Nullable [] rankCentroids,
      @Nullable Index second,
      double threshold) {
    Layout l = layout(learned);
    float[] anchors = l.vectors(dim);
    LateInteraction late = tokenWeight > 0 ? LateInteraction.of(l.first(), l.all()) : null;
    return new Index(
        anchors,
        l.first(),
        l.firstLearned(),
        centroids(anchors, l.first()),
        late,
        rankCentroids,
        second,
        learned,
        threshold,
        Double.POSITIVE_INFINITY,
        new double[0]);
  }

  @Override
  public RouteDecision route(String query, Map<String, Double> traitWeights) {
    if (isBlank(query)) {
      return blank();
    }
    Index ix = index;
    Encoded own = checked(embedder.encode(query));
    Fit f = scored(ix, own);
    RankingModel rm = ranking;
    Encoded ranked = rm != null && worthRanking(f, own, query) ? rm.model().encode(query) : null;
    double[] priors = priors(traitWeights);
    RouteDecision d = decide(ix, f, ranked == null ? null : ranked.vector(), priors);
    if (rm == null || !asksSecond(d, own, query)) {
      return d;
    }
    Encoded theirs = ranked != null ? ranked : rm.model().encode(query);
    return secondOpinion(ix, (RouteDecision.Abstained) d, f, theirs, priors);
  }

  /**
   * Whether the ranking model's router is asked about {@code d}, the decision for {@code query}
   * (encoded as {@code own}), before it stands: an abstention on a query short enough to rank
   * ({@link RankingModel#shortEnough}: a long message carries token evidence enough, and the
   * ranking model's cost grows with length), with a ranking model and a calibrated threshold (a
   * configured one is on the first model's scale, which the second does not share).
   */
  private boolean asksSecond(RouteDecision d, Encoded own, String query) {
    return ranking != null
        && settings.autoThreshold()
        && d instanceof RouteDecision.Abstained
        && RankingModel.shortEnough(own, query);
  }

  /**
   * {@code first}, the abstention of snapshot {@code ix} (whose similarities were {@code f}) with
   * the second opinion's reason added, or the ranking model's router's choice for the query it
   * encoded as {@code query} when it finds one that fits by its own threshold (class Javadoc). The
   * choice keeps BGE's order of similarity: its similarities are moved to the mean and spread of
   * {@code f}'s and take the priors as any score does. Its fit is this threshold plus what it
   * cleared its own by (in the ranking model's units, which the follow-up and route-policy margins
   * then read as a clearance over the threshold).
   */
  private RouteDecision secondOpinion(
      Index ix, RouteDecision.Abstained first, Fit f, Encoded query, double[] priors) {
    SemanticRouter second = Objects.requireNonNull(ranking, "asked with a ranker").router();
    Index theirs = Objects.requireNonNull(ix.second(), "built with a ranker");
    Fit g = second.scored(theirs, second.checked(query));
    RouteDecision d = second.decide(theirs, g, null, priors);
    if (d instanceof RouteDecision.Abstained a) {
      String both = first.reason() + "; " + second.embedder.modelId() + ": " + a.reason();
      return new RouteDecision.Abstained(
          both, first.confidence(), first.margin(), first.scores(), first.master(), first.fit());
    }
    RouteDecision.Chosen c = (RouteDecision.Chosen) d;
    double[] scores = scores(RankingModel.onScaleOf(g.sim(), f.sim()), priors);
    int pick = List.of(names).indexOf(c.name());
    int[] order = ranking(scores);
    return new RouteDecision.Chosen(
        c.name(),
        RouteMethod.SECOND_OPINION,
        c.confidence(),
        scores[pick] - secondBest(order, scores, pick),
        byScore(order, scores),
        MasterVerdict.NOT_ASKED,
        ix.threshold() + (c.fit() - theirs.threshold()));
  }

  private Encoded checked(Encoded query) {
    if (query.vector().length != dim) {
      throw new IllegalStateException(
          "embedder returned " + query.vector().length + "-d, not " + dim);
    }
    return query;
  }

  /**
   * Whether the ranking model is run for this query: a short one ({@link RankingModel#shortEnough})
   * in a close race ({@link RankingModel#closeRace}).
   */
  private boolean worthRanking(Fit f, Encoded own, String query) {
    return names.length > 1
        && RankingModel.shortEnough(own, query)
        && RankingModel.closeRace(f.sim());
  }

  /** Same decisions as {@link #route} on each query, in order, with one batched embedding call. */
  public List<RouteDecision> routeAll(List<String> queries, Map<String, Double> traitWeights) {
    double[] priors = priors(traitWeights);
    List<String> texts = queries.stream().filter(q -> !isBlank(q)).toList();
    Index ix = index;
    List<Encoded> vectors = embedder.encodeAll(texts).stream().map(this::checked).toList();
    // Decisions are pure functions of the vectors: decided on all cores, token matching costs
    // about as much as embedding a short query.
    Fit[] fits = new Fit[vectors.size()];
    IntStream.range(0, fits.length).parallel().forEach(k -> fits[k] = scored(ix, vectors.get(k)));
    Encoded[] ranked = rankedAll(texts, vectors, fits);
    RouteDecision[] decided = new RouteDecision[vectors.size()];
    IntStream.range(0, decided.length)
        .parallel()
        .forEach(k -> decided[k] = decide(ix, fits[k], vectorOf(ranked[k]), priors));
    secondOpinions(ix, texts, vectors, fits, decided, ranked, priors);
    List<RouteDecision> out = new ArrayList<>(queries.size());
    int next = 0;
    for (String q : queries) {
      out.add(isBlank(q) ? blank() : decided[next++]);
    }
    return out;
  }

  /**
   * The ranking model's vectors of the texts it orders ({@link #worthRanking}), in one batch; null
   * for the others, and for all without a ranking model.
   */
  private Encoded[] rankedAll(List<String> texts, List<Encoded> own, Fit[] fits) {
    Encoded[] out = new Encoded[texts.size()];
    RankingModel rm = ranking;
    if (rm == null) {
      return out;
    }
    List<Integer> ranked = new ArrayList<>();
    for (int k = 0; k < texts.size(); k++) {
      if (worthRanking(fits[k], own.get(k), texts.get(k))) {
        ranked.add(k);
      }
    }
    if (ranked.isEmpty()) {
      return out;
    }
    List<Encoded> vectors = rm.model().encodeAll(ranked.stream().map(texts::get).toList());
    for (int j = 0; j < ranked.size(); j++) {
      out[ranked.get(j)] = vectors.get(j);
    }
    return out;
  }

  /**
   * {@link #secondOpinion} for each of {@code decided} that asks it, in place; the ranking model's
   * encodings the texts lack ({@code ranked}: null where none was made) in one batch.
   */
  private void secondOpinions(
      Index ix,
      List<String> texts,
      List<Encoded> own,
      Fit[] fits,
      RouteDecision[] decided,
      Encoded[] ranked,
      double[] priors) {
    RankingModel rm = ranking;
    List<Integer> asking =
        IntStream.range(0, decided.length)
            .filter(k -> asksSecond(decided[k], own.get(k), texts.get(k)))
            .boxed()
            .toList();
    if (rm == null || asking.isEmpty()) {
      return;
    }
    List<Integer> missing = asking.stream().filter(k -> ranked[k] == null).toList();
    List<Encoded> fresh = rm.model().encodeAll(missing.stream().map(texts::get).toList());
    for (int j = 0; j < missing.size(); j++) {
      ranked[missing.get(j)] = fresh.get(j);
    }
    asking.parallelStream()
        .forEach(
            k ->
                decided[k] =
                    secondOpinion(
                        ix, (RouteDecision.Abstained) decided[k], fits[k], ranked[k], priors));
  }

  private static float @Nullable [] vectorOf(@Nullable Encoded e) {
    return e == null ? null : e.vector();
  }

  /**
   * Kinds of query, for per-cluster learning: {@code k} spherical k-means clusters of the anchors
   * (deterministic for {@code seed}); {@link QueryClusters#NONE} when k is 0.
   */
  public QueryClusters clusters(int k, long seed) {
    return k == 0
        ? QueryClusters.NONE
        : QueryClusters.kmeans(embedder, index.anchors(), dim, k, seed);
  }

  /**
   * The specialists a learned choice may send {@code query} to: those whose similarity sim_i
   * reaches the abstain threshold and is within {@code margin} of the best similarity, in
   * configuration order; empty for a blank or out-of-scope query. Independent of trait weights, so
   * the set is the same whatever was learned.
   */
  @Override
  public List<String> admissible(String query, double margin) {
    return admissible(query, margin, Set.of());
  }

  /**
   * {@link #admissible(String, double)} without the {@code excluded} specialists (the disabled
   * ones, which never win a decision either); where none of the rest is admitted and the second
   * opinion would be asked ({@link #asksSecond}), the ones the ranking model's router admits by its
   * own similarities and threshold, {@code margin} scaled by the spread of its similarities against
   * this one's, so the bandit may keep what the second opinion chose.
   */
  public List<String> admissible(String query, double margin, Set<String> excluded) {
    if (isBlank(query)) {
      return List.of();
    }
    Index ix = index;
    Encoded own = embedder.encode(query);
    double[] sims = similarities(ix, own);
    List<String> out = admissibleBy(ix, sims, margin, excluded);
    Index theirs = ix.second();
    if (!out.isEmpty()
        || theirs == null
        || !settings.autoThreshold()
        || !RankingModel.shortEnough(own, query)) {
      return out;
    }
    SemanticRouter second = Objects.requireNonNull(ranking, "built with a ranker").router();
    double[] others = second.similarities(theirs, second.embedder.encode(query));
    double spread = RankingModel.spread(sims);
    double scaled = spread == 0 ? margin : margin * RankingModel.spread(others) / spread;
    return second.admissibleBy(theirs, others, scaled, excluded);
  }

  /**
   * Those of {@code sims} over the threshold of {@code ix} and within {@code margin} of the best.
   */
  private List<String> admissibleBy(Index ix, double[] sims, double margin, Set<String> excluded) {
    double top = Arrays.stream(sims).max().orElse(0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < sims.length; i++) {
      if (sims[i] >= ix.threshold() && sims[i] >= top - margin && !excluded.contains(names[i])) {
        out.add(names[i]);
      }
    }
    return out;
  }

  /** Specialist names in configuration order. */
  public List<String> specialists() {
    return List.of(names);
  }

  public RoutingSettings settings() {
    return settings;
  }

  /**
   * The abstention threshold in use: the configured one, or with auto the lower of the exemplars'
   * and the learned exemplars' calibration (class Javadoc).
   */
  public double threshold() {
    return index.threshold();
  }

  /**
   * The threshold in use, the one the operator's exemplars give (or the configured one) and the one
   * the learned exemplars give, empty with a configured threshold or too few learned exemplars to
   * place it; the first is the lower of the other two (class Javadoc). {@code secondOpinion}: the
   * ranking model's router's own, when it is asked before abstaining. One snapshot each.
   */
  public record Thresholds(
      double inUse,
      double fromExemplars,
      OptionalDouble fromLearned,
      Optional<Thresholds> secondOpinion) {}

  public Thresholds thresholds() {
    return thresholdsOf(index);
  }

  private Thresholds thresholdsOf(Index ix) {
    double t = ix.traffic();
    Index theirs = ix.second();
    return new Thresholds(
        ix.threshold(),
        operatorThreshold,
        Double.isInfinite(t) ? OptionalDouble.empty() : OptionalDouble.of(t),
        theirs != null && settings.autoThreshold()
            ? Optional.of(Objects.requireNonNull(ranking).router().thresholdsOf(theirs))
            : Optional.empty());
  }

  /** The learned exemplars' scores as they came, by arrival (NaN: not scored); for tests. */
  double[] learnedScores() {
    return index.learnedScores().clone();
  }

  /**
   * The configured threshold, or with auto the one calibrated on the operator's exemplars alone.
   */
  public double operatorThreshold() {
    return operatorThreshold;
  }

  /** score_i of the class Javadoc: {@code rank} (a similarity) times the prior, in [0, 1]. */
  private static double[] scores(double[] rank, double[] priors) {
    double[] scores = new double[rank.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = Math.min(1, Math.max(0, rank[i]) * priors[i]);
    }
    return scores;
  }

  /** Specialist names to {@code scores}, in {@code order}. */
  private Map<String, Double> byScore(int[] order, double[] scores) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i : order) {
      out.put(names[i], scores[i]);
    }
    return out;
  }

  /** {@code ix}: one snapshot, so anchors and threshold change together for a decision. */
  private RouteDecision decide(Index ix, Fit f, float @Nullable [] ranked, double[] priors) {
    double threshold = ix.threshold();
    double[] sims = f.sim();
    double[] rank = ranked == null ? sims : rankSimilarities(ix, f, ranked);
    double[] scores = scores(rank, priors);
    int[] order = ranking(scores);
    Map<String, Double> byScore = byScore(order, scores);
    double t = settings.confidenceTemperature();
    int pick = firstEligible(order, sims, priors, threshold);
    if (pick < 0) {
      int fits = bestFitIndex(sims, priors);
      double bestFit = fit(sims[fits], priors[fits]);
      String reason =
          String.format(
              Locale.ROOT,
              "best score %.2f (%s) below threshold %.2f",
              bestFit,
              names[fits],
              threshold);
      return new RouteDecision.Abstained(
          reason,
          sigmoid((threshold - bestFit) / t),
          RouteDecision.marginOf(byScore),
          byScore,
          MasterVerdict.NOT_ASKED,
          bestFit);
    }
    double best = scores[pick];
    double second = secondBest(order, scores, pick);
    double fit = fit(sims[pick], priors[pick]);
    double confidence = softmaxTop(scores, best, t) * sigmoid((fit - threshold) / t);
    return new RouteDecision.Chosen(
        names[pick],
        RouteMethod.SEMANTIC,
        confidence,
        best - second,
        byScore,
        MasterVerdict.NOT_ASKED,
        fit);
  }

  /**
   * How well a specialist fits, for abstention: the similarity with the prior applied only when it
   * demotes ({@code min(prior, 1)}). A high trait weight may win a close race between fitting
   * specialists but never lifts an unrelated query over the threshold — otherwise learning raised
   * weights and out-of-scope queries stopped reaching the base model.
   */
  private static double fit(double sim, double prior) {
    return Math.max(0, sim) * Math.min(prior, 1);
  }

  /** The specialist that fits best (ties by name order, as in ranking). */
  private int bestFitIndex(double[] sims, double[] priors) {
    int best = 0;
    for (int i = 1; i < sims.length; i++) {
      double f = fit(sims[i], priors[i]);
      double b = fit(sims[best], priors[best]);
      if (f > b || (f == b && names[i].compareTo(names[best]) < 0)) {
        best = i;
      }
    }
    return best;
  }

  /** The highest-ranked specialist whose fit reaches the threshold, or -1. */
  private int firstEligible(int[] order, double[] sims, double[] priors, double threshold) {
    for (int i : order) {
      if (fit(sims[i], priors[i]) >= threshold) {
        return i;
      }
    }
    return -1;
  }

  private static double secondBest(int[] order, double[] scores, int pick) {
    for (int i : order) {
      if (i != pick) {
        return scores[i];
      }
    }
    return 0;
  }

  /**
   * sim_i for every specialist: with token vectors, {@code (1 - t)·cos(centroid) + t·maxsim} for
   * the {@link #CANDIDATES} specialists nearest by centroid and {@code (1 - t)·cos(centroid)} for
   * the rest (they cannot win: maxsim is what lifts a candidate); else the top-k/centroid blend.
   */
  private double[] similarities(Index ix, Encoded query) {
    return scored(ix, query).sim();
  }

  /**
   * sim_i for every specialist ({@code sim}), with what a ranking reuses: the token match of the
   * specialists it ran for (NaN for the others) and the query's pieces (null without token
   * matching).
   */
  private record Fit(double[] sim, double[] tokens, LateInteraction.@Nullable Query query) {}

  /** {@link #similarities(Index, Encoded)}, with the parts a ranking reuses. */
  private Fit scored(Index ix, Encoded query) {
    int n = names.length;
    double[] tokens = new double[n]; // NaN: not run for that specialist
    Arrays.fill(tokens, Double.NaN);
    LateInteraction late = ix.late();
    if (late == null) {
      double[] sim = blended(ix, query.vector());
      return new Fit(sim, tokens, null);
    }
    double[] cos = cosines(query.vector(), ix.centroids());
    if (query.tokens().isEmpty()) {
      return new Fit(cos, tokens, null); // no token vectors for this text: the centroids alone
    }
    double t = tokenWeight;
    LateInteraction.Query lq = late.query(query.tokens());
    double[] sim = new double[n];
    boolean[] candidate = nearest(cos, CANDIDATES);
    for (int i = 0; i < n; i++) {
      if (candidate[i]) {
        tokens[i] = late.score(lq, i);
      }
      sim[i] = (1 - t) * cos[i] + t * (candidate[i] ? tokens[i] : 0);
    }
    return new Fit(sim, tokens, lq);
  }

  /**
   * With the ranking model's vector {@code ranked} of the query, the ranking similarity ({@link
   * RankingModel#rank}) of every specialist, the token match run for the candidates of either
   * centroid, moved to the scale of {@code f}'s sim_i ({@link RankingModel#onScaleOf}).
   */
  private double[] rankSimilarities(Index ix, Fit f, float[] ranked) {
    float[] centroids = Objects.requireNonNull(ix.rankCentroids(), "built with a ranker");
    double[] rankCos = cosines(ranked, centroids);
    LateInteraction late = ix.late();
    LateInteraction.Query lq = f.query();
    if (late == null || lq == null) {
      return RankingModel.onScaleOf(rankCos, f.sim());
    }
    boolean[] candidate = nearest(rankCos, CANDIDATES);
    double[] rank = new double[rankCos.length];
    for (int i = 0; i < rank.length; i++) {
      double own = f.tokens()[i];
      double tokens = !Double.isNaN(own) ? own : candidate[i] ? late.score(lq, i) : 0;
      rank[i] = RankingModel.rank(rankCos[i], tokens);
    }
    return RankingModel.onScaleOf(rank, f.sim());
  }

  /** The cosine of unit {@code v} to each unit row of {@code rows}. */
  private static double[] cosines(float[] v, float[] rows) {
    double[] out = new double[rows.length / v.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = VectorMath.fastDot(v, 0, rows, i * v.length, v.length);
    }
    return out;
  }

  /** Whether each value is among the {@code k} largest (on a tie at the cut, earlier first). */
  static boolean[] nearest(double[] values, int k) {
    boolean[] in = new boolean[values.length];
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double cut = sorted[Math.max(0, values.length - k)];
    for (int i = 0, taken = 0; i < values.length && taken < k; i++) {
      if (values[i] >= cut) {
        in[i] = true;
        taken++;
      }
    }
    return in;
  }

  /** sim_i for every specialist: the blend of top-k anchor mean and centroid cosine. */
  private double[] blended(Index ix, float[] q) {
    int n = names.length;
    double[] sim = new double[n];
    double[] top = new double[settings.topK()]; // scratch, descending
    for (int i = 0; i < n; i++) {
      sim[i] = blendedOne(ix, q, i, top);
    }
    return sim;
  }

  /** The blend for specialist i; {@code top} is scratch of length topK. */
  private double blendedOne(Index ix, float[] q, int i, double[] top) {
    int count = topK(ix.anchors(), q, ix.firstAnchor()[i], ix.firstAnchor()[i + 1], top);
    double sum = 0;
    for (int j = 0; j < count; j++) {
      sum += top[j];
    }
    double a = settings.centroidWeight();
    return (1 - a) * (sum / count) + a * dot(q, ix.centroids(), i);
  }

  /**
   * Fills {@code top} with the largest cosines of rows [from, to), descending; returns how many.
   */
  private int topK(float[] anchors, float[] q, int from, int to, double[] top) {
    int count = 0;
    for (int row = from; row < to; row++) {
      count = insert(top, count, dot(q, anchors, row));
    }
    return count;
  }

  /** Inserts c into the descending {@code top[0..count)} if it belongs; returns the new count. */
  static int insert(double[] top, int count, double c) {
    if (count == top.length && c <= top[count - 1]) {
      return count;
    }
    int n = Math.min(count + 1, top.length);
    int j = n - 1;
    while (j > 0 && top[j - 1] < c) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = c;
    return n;
  }

  private double dot(float[] q, float[] matrix, int row) {
    return VectorMath.fastDot(q, 0, matrix, row * dim, dim);
  }

  /** Indices by score descending, then name ascending: decisions never depend on list order. */
  private int[] ranking(double[] scores) {
    Integer[] idx = new Integer[scores.length];
    Arrays.setAll(idx, i -> i);
    Arrays.sort(
        idx,
        (x, y) -> {
          int c = Double.compare(scores[y], scores[x]);
          return c != 0 ? c : names[x].compareTo(names[y]);
        });
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }

  private double[] priors(Map<String, Double> traitWeights) {
    double[] priors = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      priors[i] = prior(i, traitWeights);
    }
    return priors;
  }

  private double prior(int i, Map<String, Double> traitWeights) {
    double w = traitWeights.getOrDefault(names[i], initialWeights[i]);
    if (!(w >= 0 && w <= 1)) {
      throw new IllegalArgumentException(
          "trait weight of " + names[i] + " must be in [0,1] but was " + w);
    }
    return w == 0 ? 0 : Math.pow(w / NEUTRAL_WEIGHT, settings.priorStrength());
  }

  private RouteDecision blank() {
    Map<String, Double> zeros = new LinkedHashMap<>();
    Arrays.stream(names).sorted().forEach(name -> zeros.put(name, 0.0));
    return new RouteDecision.Abstained("empty query", 1.0, zeros);
  }

  private float[] centroids(float[] anchors, int[] firstAnchor) {
    float[] out = new float[names.length * dim];
    for (int i = 0; i < names.length; i++) {
      for (int row = firstAnchor[i]; row < firstAnchor[i + 1]; row++) {
        for (int d = 0; d < dim; d++) {
          out[i * dim + d] += anchors[row * dim + d];
        }
      }
      VectorMath.normalize(out, i * dim, dim);
    }
    return out;
  }

  /**
   * The leave-one-out quantile described in the class Javadoc, over every anchor, or every k-th
   * when there are more than {@link #MAX_CALIBRATION} (token matching makes each one cost anchors ×
   * tokens² dot products).
   */
  private double calibrate(Index ix, List<Encoded> encoded) {
    int[] firstAnchor = ix.firstAnchor();
    List<Double> loo = new ArrayList<>();
    int stride =
        ix.late() == null
            ? 1
            : Math.max(1, (firstAnchor[names.length] + MAX_CALIBRATION - 1) / MAX_CALIBRATION);
    int seen = 0;
    for (int i = 0; i < names.length; i++) {
      if (firstAnchor[i + 1] - firstAnchor[i] >= 2) {
        for (int row = firstAnchor[i]; row < firstAnchor[i + 1]; row++) {
          if (seen++ % stride == 0) {
            loo.add(leaveOneOut(ix, i, row, encoded.get(row)));
          }
        }
      }
    }
    if (loo.isEmpty()) {
      return FALLBACK_THRESHOLD;
    }
    double[] sorted = loo.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double pos = settings.abstainQuantile() * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double q = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    // The threshold must stay positive so a weight-0 specialist (score 0) never wins.
    return Math.min(0.99, Math.max(1e-3, q));
  }

  /**
   * How many of the newest learned exemplars calibrate the threshold: {@link
   * #MAX_TRAFFIC_CALIBRATION}, or more where the quantile needs them for k to reach {@link
   * #MIN_TRAFFIC_RANK}; 0 with a configured threshold, which learned exemplars never move.
   */
  int calibrationWindow() {
    if (!settings.autoThreshold()) {
      return 0;
    }
    double enough = Math.ceil(MIN_TRAFFIC_RANK / settings.abstainQuantile()); // k reaches 5
    return (int) Math.min(Integer.MAX_VALUE / 2, Math.max(MAX_TRAFFIC_CALIBRATION, enough));
  }

  /**
   * The newest learned exemplars of {@code ix} scored as they came ({@link Prequential}; {@code
   * arrivals} per specialist, increasing), indexed by arrival among {@code count}; NaN for those
   * not scored (older than the newest {@link #MAX_TRAFFIC_CALIBRATION}, blank texts, unknown
   * routes).
   */
  private double[] learnedScores(Index ix, int[][] arrivals, int count) {
    int oldest = count - calibrationWindow();
    Prequential asItCame =
        new Prequential(
            ix.anchors(),
            dim,
            ix.firstAnchor(),
            ix.firstLearned(),
            arrivals,
            anchorsByRoute(ix),
            ix.late(),
            tokenWeight,
            settings.topK(),
            settings.centroidWeight());
    double[] scores = new double[count];
    Arrays.fill(scores, Double.NaN);
    for (int i = 0; i < names.length; i++) {
      List<Encoded> own = ix.learned().getOrDefault(names[i], List.of());
      for (int j = 0; j < own.size(); j++) {
        if (arrivals[i][j] >= oldest) {
          scores[arrivals[i][j]] = asItCame.fit(own.get(j), arrivals[i][j]);
        }
      }
    }
    return scores;
  }

  /**
   * The split-conformal threshold from learned exemplars' {@code scores} (class Javadoc), or {@link
   * Double#POSITIVE_INFINITY} when there are too few to place it.
   */
  private double trafficThreshold(double[] scores) {
    double[] sorted = Arrays.stream(scores).filter(s -> !Double.isNaN(s)).sorted().toArray();
    int k = (int) Math.floor(settings.abstainQuantile() * (sorted.length + 1));
    if (k < MIN_TRAFFIC_RANK) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(1e-3, sorted[k - 1]); // positive, as in calibrate
  }

  /** Per specialist, its anchors in row order: the operator's, then the learned ones. */
  private List<List<Encoded>> anchorsByRoute(Index ix) {
    List<List<Encoded>> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      List<Encoded> all = new ArrayList<>(operator.get(i));
      all.addAll(ix.learned().getOrDefault(names[i], List.of()));
      out.add(all);
    }
    return out;
  }

  /** sim of anchor {@code row} to specialist i, computed without that anchor. */
  private double leaveOneOut(Index ix, int i, int row, Encoded anchor) {
    float[] anchors = ix.anchors();
    int[] firstAnchor = ix.firstAnchor();
    LateInteraction late = ix.late();
    float[] q = Arrays.copyOfRange(anchors, row * dim, (row + 1) * dim);
    float[] rest = new float[dim];
    double[] top = new double[settings.topK()];
    int count = 0;
    for (int other = firstAnchor[i]; other < firstAnchor[i + 1]; other++) {
      if (other == row) {
        continue;
      }
      for (int d = 0; d < dim; d++) {
        rest[d] += anchors[other * dim + d];
      }
      count = insert(top, count, dot(q, anchors, other));
    }
    VectorMath.normalize(rest, 0, dim);
    if (late != null) {
      TokenVectors tokens = anchor.tokens();
      double t = tokenWeight;
      double match = late.score(late.query(tokens), i, row - firstAnchor[i]);
      return (1 - t) * dot(q, rest, 0) + t * match;
    }
    double sum = 0;
    for (int j = 0; j < count; j++) {
      sum += top[j];
    }
    double a = settings.centroidWeight();
    return (1 - a) * (sum / count) + a * dot(q, rest, 0);
  }

  private static List<String> anchorTexts(SpecialistConfig s) {
    List<String> texts = new ArrayList<>();
    if (!s.description().isBlank()) {
      texts.add(s.description());
    }
    s.exemplars().stream().filter(e -> !e.isBlank()).forEach(texts::add);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("specialist " + s.name() + " has no routing text");
    }
    return texts;
  }

  private static void requireUniqueNames(List<SpecialistConfig> specialists) {
    if (specialists.isEmpty()) {
      throw new IllegalArgumentException("a router needs at least one specialist");
    }
    Set<String> seen = new HashSet<>();
    for (SpecialistConfig s : specialists) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("duplicate specialist " + s.name());
      }
    }
  }

  private static double softmaxTop(double[] scores, double best, double t) {
    double sum = 0;
    for (double s : scores) {
      sum += Math.exp((s - best) / t);
    }
    return 1 / sum;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static boolean isBlank(String query) {
    return query == null || query.isBlank();
  }
}
