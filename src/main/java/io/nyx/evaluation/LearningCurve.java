package io.nyx.evaluation;

import java.util.Locale;
import java.util.Optional;

/** A self-contained HTML page with inline SVG: cumulative regret curves and the drift window. */
public final class LearningCurve {
  static final int W = 800;
  static final int H = 360;

  private LearningCurve() {}

  public static String html(Simulation.Result r, Optional<Simulation.Drift> drift) {
    double lo = Math.min(0, min(r.regretStatic()));
    double hi = Math.max(max(r.regretOracle()), max(r.regretStatic()));
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'>", W + 60, H + 40));
    drift.ifPresent(
        d ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<rect x='%.1f' y='10' width='%.1f' height='%d' fill='#fee'/>",
                    x(d.from(), r.steps()),
                    x(d.to(), r.steps()) - x(d.from(), r.steps()),
                    H)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='50' x2='%d' y1='%.1f' y2='%.1f' stroke='#999'/>",
            W + 50,
            y(0, lo, hi),
            y(0, lo, hi)));
    svg.append(line(r.regretOracle(), lo, hi, "#c00"));
    svg.append(line(r.regretStatic(), lo, hi, "#06c"));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='55' y='25' fill='#c00'>regret vs oracle (%.1f)</text>",
            r.regretOracle()[r.steps() - 1]));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='55' y='45' fill='#06c'>regret vs static routing (%.1f)</text>",
            r.regretStatic()[r.steps() - 1]));
    svg.append(
        String.format(
            Locale.ROOT, "<text x='55' y='%d'>0 .. %d requests</text></svg>", H + 30, r.steps()));
    return "<!doctype html><html><head><meta charset='utf-8'><title>nyx simulate</title></head><body>"
        + "<h1>Nyx learning curve</h1>"
        + svg
        + "</body></html>\n";
  }

  private static String line(double[] v, double lo, double hi, String color) {
    StringBuilder pts = new StringBuilder();
    int stride = Math.max(1, v.length / W);
    for (int t = 0; t < v.length; t += stride) {
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(t, v.length), y(v[t], lo, hi)));
    }
    return "<polyline fill='none' stroke='" + color + "' points='" + pts + "'/>";
  }

  private static double x(int t, int n) {
    return 50 + (double) W * t / Math.max(1, n);
  }

  private static double y(double v, double lo, double hi) {
    return 10 + H * (hi - v) / Math.max(1e-9, hi - lo);
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double d : v) {
      m = Math.min(m, d);
    }
    return m;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      m = Math.max(m, d);
    }
    return m;
  }
}
