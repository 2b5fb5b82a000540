package io.nyx.evaluation;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page for {@code eval-route --out}: the figures and the confusion matrix as
 * an inline SVG heat map (row-normalised, so each label's row shows where its queries went).
 */
public final class RouteReportHtml {
  private static final int CELL = 14;
  private static final int LABEL_WIDTH = 170;

  private RouteReportHtml() {}

  public static String render(RouteReport report) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Nyx route evaluation"
        + "</title><style>body{font-family:sans-serif;margin:2em}pre{background:#f6f6f6;"
        + "padding:1em}</style></head><body><h1>Nyx route evaluation</h1><pre>"
        + escape(report.text())
        + "</pre><h2>Confusion matrix</h2>"
        + svg(report.eval())
        + "</body></html>\n";
  }

  static String svg(RouteEvaluation e) {
    List<String> c = e.classes();
    int n = c.size();
    int size = LABEL_WIDTH + n * CELL + 10;
    StringBuilder b = new StringBuilder();
    b.append(
        f(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-size=\"10\">",
            size, size));
    for (int l = 0; l < n; l++) {
      long rowSum = 0;
      for (long v : e.confusion()[l]) {
        rowSum += v;
      }
      int y = LABEL_WIDTH + l * CELL;
      b.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_WIDTH - 4, y + 11))
          .append(escape(c.get(l)))
          .append("</text>");
      b.append(
              f(
                  "<text transform=\"translate(%d,%d) rotate(-90)\">",
                  LABEL_WIDTH + l * CELL + 11, LABEL_WIDTH - 4))
          .append(escape(c.get(l)))
          .append("</text>");
      for (int p = 0; p < n; p++) {
        long v = e.confusion()[l][p];
        double share = rowSum == 0 ? 0 : (double) v / rowSum;
        b.append(
            f(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#ddd\">"
                    + "<title>%s → %s: %d</title></rect>",
                LABEL_WIDTH + p * CELL,
                y,
                CELL,
                CELL,
                colour(share, l == p),
                escape(c.get(l)),
                escape(c.get(p)),
                v));
      }
    }
    return b.append("</svg>").toString();
  }

  /** Blue on the diagonal (right), red off it (wrong); darker = larger share of the row. */
  private static String colour(double share, boolean diagonal) {
    int fade = (int) Math.round(255 * (1 - share));
    return diagonal ? f("rgb(%d,%d,255)", fade, fade) : f("rgb(255,%d,%d)", fade, fade);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
