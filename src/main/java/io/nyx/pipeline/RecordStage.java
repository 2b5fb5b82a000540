package io.nyx.pipeline;

import io.nyx.foresight.Foresight;
import io.nyx.learning.ClusterStore;
import io.nyx.learning.Reward;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitLearner;
import io.nyx.metrics.NyxMetrics;
import io.nyx.safety.RiskAssessment;
import io.nyx.specialist.ContextStrategy;
import java.util.OptionalLong;

/**
 * Stage 5, what is kept: the reward becomes trait evidence (unless the base model answered for an
 * unavailable adapter), the row goes to the query log (failing the request when even the spool
 * cannot take it: an acknowledged answer is a recorded answer), and the follow-ups — flagged
 * exchanges for human review, Moira's predictions — are queued. Failed requests are recorded too.
 * Thread-safe.
 */
final class RecordStage {
  private static final System.Logger LOG = System.getLogger(RecordStage.class.getName());

  private final QueryLog log;
  private final TraitLearner learner;
  private final TraitConfig traits;
  private final Powers powers;
  private final Plans plans;
  private final NyxMetrics metrics;
  private final Records records = new Records();
  private final Foresight foresight = new Foresight();

  RecordStage(
      QueryLog log,
      TraitLearner learner,
      TraitConfig traits,
      Powers powers,
      Plans plans,
      NyxMetrics metrics) {
    this.log = log;
    this.learner = learner;
    this.traits = traits;
    this.powers = powers;
    this.plans = plans;
    this.metrics = metrics;
  }

  /**
   * Records the answer and queues its follow-ups.
   *
   * @return the id of the prediction Moira stored from the answer; empty when she made none, or it
   *     waits in the spool (its id is known only once the database has it) or was lost
   * @throws NyxException.Unavailable when the row cannot be stored, not even in the spool
   */
  OptionalLong answered(Draft d, GenerateStage.Answer answer, Scored scored) {
    if (answer.fallback().isEmpty()) {
      learn(d, scored.reward());
    }
    QueryRecord row = records.answered(d, answer, scored);
    try {
      log.append(row);
    } catch (RuntimeException e) {
      throw new NyxException.Unavailable(
          "database unavailable, the answer was not recorded: " + e.getMessage(), row.id(), e);
    }
    metrics.reward(d.plan().label(), scored.reward().value());
    return followUps(d, answer.timed().result().content(), scored.output());
  }

  /** Records a request that got no answer; the caller's error stands even if this fails. */
  void failed(Draft d, GenerateStage.Outcome.Failed f, long latencyMs) {
    try {
      log.append(records.failed(d, f.status(), f.reason(), latencyMs));
    } catch (RuntimeException storeDown) {
      // Even the spool failed (disk full); the caller's error response still carries the cause.
    }
  }

  private void learn(Draft d, Reward reward) {
    double evidence = traits.rewardEvidence();
    if (evidence == 0) {
      return;
    }
    TraitEvidence e = TraitEvidence.ofReward(reward.value(), evidence);
    String specialist = d.plan().specialist();
    if (specialist != null) {
      learner.add(specialist, e, "reward");
    }
    if (d.cluster() >= 0) {
      // The base model's answers teach its posterior in the cluster, for the bandit.
      learner.addInCluster(specialist != null ? specialist : ClusterStore.BASE, d.cluster(), e);
    }
  }

  /**
   * Queues flagged exchanges for review and stores Moira's predictions. The answer is already
   * recorded; these are follow-ups, so a store failure here must not turn it into an error. (The
   * stores wired in {@code app} spool these writes while the database is away; only a failing spool
   * disk reaches the catch below.)
   */
  private OptionalLong followUps(Draft d, String content, RiskAssessment output) {
    String tenant = d.req().caller().tenant();
    long predictionId = 0;
    try {
      if (d.decision().risk().flagged()) {
        powers.reviews().enqueue(d.id(), tenant, "input", d.decision().risk(), d.at());
      }
      if (output.flagged()) {
        powers.reviews().enqueue(d.id(), tenant, "output", output, d.at());
      }
      var scenarios = foresight.parse(content);
      if (!scenarios.isEmpty() && plans.strategy(d.plan()) == ContextStrategy.FORESIGHT) {
        predictionId =
            powers
                .predictions()
                .save(d.id(), tenant, d.plan().specialist(), content, scenarios, d.at());
      }
    } catch (RuntimeException e) {
      // The recorded answer stands; the queue and predictions are follow-ups, logged when lost.
      LOG.log(System.Logger.Level.ERROR, "review/prediction follow-up of " + d.id() + " lost", e);
    }
    // Stores return 0 for a write they spooled: the id is not known yet.
    return predictionId > 0 ? OptionalLong.of(predictionId) : OptionalLong.empty();
  }
}
