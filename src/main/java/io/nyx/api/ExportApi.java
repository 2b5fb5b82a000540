package io.nyx.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.export.ExportRequest;
import io.nyx.export.Since;
import io.nyx.export.TrainingExport;
import io.nyx.pipeline.NyxException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /export/sft} and {@code GET /export/preferences} (admin scope): the stored requests as
 * fine-tuning data, streamed as JSON lines ({@link TrainingExport}). Parameters: {@code since}
 * (default {@value #DEFAULT_SINCE}), {@code specialist}, {@code min_reward} (SFT, default 0.5),
 * {@code min_gap} (preferences, default 0.5), {@code tenant} (default: every tenant).
 */
final class ExportApi {
  static final String DEFAULT_SINCE = "30d";
  private static final Logger LOG = Logger.getLogger(ExportApi.class.getName());
  private static final Set<String> SFT_PARAMS =
      Set.of("since", "specialist", "min_reward", "tenant");
  private static final Set<String> PAIR_PARAMS = Set.of("since", "specialist", "min_gap", "tenant");

  private final TrainingExport export;
  private final InstantSource clock;

  ExportApi(TrainingExport export, InstantSource clock) {
    this.export = export;
    this.clock = clock;
  }

  void export(ServerRequest req, ServerResponse res) throws IOException {
    ExportRequest r = request(req);
    OutputStream[] out = {null};
    try {
      export.write(
          r,
          () -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
            out[0] = res.outputStream();
            return out[0];
          });
    } catch (IOException | RuntimeException e) {
      if (out[0] != null) {
        // The status line may be gone already: the client sees a cut stream, the log says why.
        LOG.log(Level.WARNING, "export cut after its response began", e);
      }
      throw e;
    }
    if (out[0] != null) {
      out[0].close();
    }
  }

  private ExportRequest request(ServerRequest req) {
    String kind = req.path().pathParameters().get("kind");
    ExportRequest.Kind k =
        switch (kind) {
          case "sft" -> ExportRequest.Kind.SFT;
          case "preferences" -> ExportRequest.Kind.PREFERENCES;
          default ->
              throw new NyxException.BadRequest(
                  "kind", "unknown export '" + kind + "'; allowed: sft, preferences");
        };
    Query q = new Query(req, k == ExportRequest.Kind.SFT ? SFT_PARAMS : PAIR_PARAMS);
    return new ExportRequest(
        k,
        q.optional("specialist", 64),
        since(q.optional("since", 64)),
        number(q, "min_reward", false, -1, 1, ExportRequest.DEFAULT_MIN_REWARD),
        number(q, "min_gap", true, 0, 2, ExportRequest.DEFAULT_MIN_GAP),
        q.optional("tenant", 64));
  }

  private Instant since(@Nullable String value) {
    try {
      return Since.parse(value == null ? DEFAULT_SINCE : value, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new NyxException.BadRequest("since", "'since' " + e.getMessage());
    }
  }

  /** A number in [min, max] ((min, max] when {@code openMin}), or the fallback when absent. */
  private static double number(
      Query q, String name, boolean openMin, double min, double max, double fallback) {
    String v = q.optional(name, 32);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.strip());
      if ((openMin ? d > min : d >= min) && d <= max) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    String range = String.format(Locale.ROOT, "%s%s, %s]", openMin ? "(" : "[", fmt(min), fmt(max));
    throw new NyxException.BadRequest(
        name, "'" + name + "' must be a number in " + range + " but was '" + v + "'");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
