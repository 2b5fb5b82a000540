package io.nyx.learning;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of a specialist's stated confidence against what people said about its answers. An
 * answer with a rating &gt; 0 counts as correct. Confidences are put into {@code bins} equal-width
 * bins over [0,1]; for each bin b with n_b answers, mean confidence c_b and accuracy a_b:
 *
 * <pre>
 *   ECE = sum over bins of (n_b / N) · |a_b - c_b|
 * </pre>
 *
 * 0 means perfectly calibrated; a model that says 0.9 and is right half the time has ECE 0.4. Empty
 * bins are left out of the curve. Pure.
 */
public record Calibration(double ece, int count, List<Bin> curve) {

  /** One answer: what the model said (confidence in [0,1]) and how it was rated ([-1,1]). */
  public record Outcome(double confidence, double rating) {}

  /** One reliability-curve point. */
  public record Bin(double lo, double hi, int count, double confidence, double accuracy) {}

  public static Calibration of(List<Outcome> outcomes, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1 but was " + bins);
    }
    int[] n = new int[bins];
    double[] conf = new double[bins];
    double[] right = new double[bins];
    for (Outcome o : outcomes) {
      int b = Math.min(bins - 1, (int) Math.floor(Math.max(0, o.confidence()) * bins));
      n[b]++;
      conf[b] += o.confidence();
      right[b] += o.rating() > 0 ? 1 : 0;
    }
    List<Bin> curve = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (n[b] > 0) {
        Bin bin =
            new Bin(
                (double) b / bins, (double) (b + 1) / bins, n[b], conf[b] / n[b], right[b] / n[b]);
        curve.add(bin);
        ece += (double) n[b] / outcomes.size() * Math.abs(bin.accuracy() - bin.confidence());
      }
    }
    return new Calibration(ece, outcomes.size(), List.copyOf(curve));
  }
}
