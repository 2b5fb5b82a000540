package io.nyx.evaluation;

import io.nyx.adapter.CanarySettings;
import io.nyx.adapter.CanaryTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded simulation of canaries, to measure the sequential test ({@link CanaryTest}) as Nyx runs
 * it: each request goes to the canary with probability {@code share}, else to the active version;
 * its reward is drawn around the side's mean, {@code N(mean, spread)} clamped to [−1, 1]; the test
 * is looked at after <em>every</em> request (the most often it could be, so the false-decision rate
 * measured is the one continuous monitoring gives). A run ends at the first verdict that is not
 * "collecting".
 *
 * <p>{@code java -cp target/classes io.nyx.evaluation.CanarySimulation [runs [spread]]} prints the
 * table docs/adapters.md quotes (default settings, active mean 0.5, spread 0.3 unless given).
 */
public final class CanarySimulation {
  /** Reward spread of one specialist's answers: Nyx's rewards spread by roughly this much. */
  public static final double SPREAD = 0.3;

  public static final double ACTIVE_MEAN = 0.5;

  private final CanarySettings settings;
  private final double spread;

  public CanarySimulation(CanarySettings settings, double spread) {
    this.settings = settings;
    this.spread = spread;
  }

  /** How one run ended, after how many requests (both sides together). */
  public enum Outcome {
    PROMOTED,
    ROLLED_BACK,
    INCONCLUSIVE
  }

  public record Run(Outcome outcome, int requests) {}

  /** Many runs at one effect size {@code delta = canary mean − active mean}. */
  public record Summary(
      double delta,
      int runs,
      int promoted,
      int rolledBack,
      int inconclusive,
      List<Integer> decided) {
    public Summary {
      decided = decided.stream().sorted().toList();
    }

    /**
     * Requests to a verdict of the test (promotion or rollback), at quantile {@code q}; 0 when no
     * run was decided.
     */
    public int requestsToDecide(double q) {
      if (decided.isEmpty()) {
        return 0;
      }
      return decided.get((int) Math.min(decided.size() - 1, Math.floor(q * decided.size())));
    }

    public double share(int count) {
      return (double) count / runs;
    }
  }

  public Run run(double canaryMean, double activeMean, SplittableRandom random) {
    CanaryTest test = new CanaryTest(settings);
    for (int request = 1; ; request++) {
      if (random.nextDouble() < settings.share()) {
        test.canary(draw(canaryMean, random));
      } else {
        test.active(draw(activeMean, random));
      }
      switch (test.verdict()) {
        case CanaryTest.Verdict.Collecting c -> {}
        case CanaryTest.Verdict.Promote p -> {
          return new Run(Outcome.PROMOTED, request);
        }
        case CanaryTest.Verdict.Rollback r -> {
          return new Run(Outcome.ROLLED_BACK, request);
        }
        case CanaryTest.Verdict.Inconclusive i -> {
          return new Run(Outcome.INCONCLUSIVE, request);
        }
      }
    }
  }

  /** {@code runs} runs at {@code delta}, seeded with {@code seed}. */
  public Summary summarise(double delta, int runs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int promoted = 0;
    int rolledBack = 0;
    int inconclusive = 0;
    List<Integer> decided = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Run r = run(ACTIVE_MEAN + delta, ACTIVE_MEAN, random.split());
      switch (r.outcome()) {
        case PROMOTED -> promoted++;
        case ROLLED_BACK -> rolledBack++;
        case INCONCLUSIVE -> inconclusive++;
      }
      if (r.outcome() != Outcome.INCONCLUSIVE) {
        decided.add(r.requests());
      }
    }
    return new Summary(delta, runs, promoted, rolledBack, inconclusive, decided);
  }

  private double draw(double mean, SplittableRandom random) {
    return Math.max(-1, Math.min(1, mean + spread * random.nextGaussian()));
  }

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    double spread = args.length > 1 ? Double.parseDouble(args[1]) : SPREAD;
    CanarySimulation sim = new CanarySimulation(CanarySettings.DEFAULT, spread);
    System.out.printf(
        Locale.ROOT,
        "%s, spread %.2f, %d seeded runs per row%n%7s %9s %11s %12s %10s %10s%n",
        CanarySettings.DEFAULT,
        spread,
        runs,
        "delta",
        "promoted",
        "rolled back",
        "inconclusive",
        "median req",
        "p90 req");
    for (double delta : new double[] {0, 0.05, -0.05, 0.1, -0.1, 0.2, -0.2, 0.4, -0.4}) {
      Summary s = sim.summarise(delta, runs, 20261126L);
      System.out.printf(
          Locale.ROOT,
          "%+7.2f %8.2f%% %10.2f%% %11.2f%% %10d %10d%n",
          delta,
          100 * s.share(s.promoted()),
          100 * s.share(s.rolledBack()),
          100 * s.share(s.inconclusive()),
          s.requestsToDecide(0.5),
          s.requestsToDecide(0.9));
    }
  }
}
