package io.nyx.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.export.ExportRequest;
import io.nyx.export.Format;
import io.nyx.export.Since;
import io.nyx.export.Split;
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
 * {@code GET /export/sft}, {@code /export/preferences} and {@code /export/kto} (admin scope): the
 * stored requests as fine-tuning data, streamed as JSON lines ({@link TrainingExport}). Parameters:
 * {@code since} (default {@value #DEFAULT_SINCE}), {@code specialist}, {@code tenant} (default:
 * every tenant), {@code format} ({@code trl}, default, or {@code openai}), {@code min_reward} (SFT
 * and KTO, default 0.5), {@code max_reward} (KTO, default 0), {@code min_gap} (preferences, default
 * 0.5), and {@code val_share} (default 0) with {@code seed} (default 0) and {@code split} ({@code
 * train} or {@code validation}: that part only; default both). The manifest is written by {@code
 * nyx export --out}; here the lines are the whole answer.
 */
final class ExportApi {
  static final String DEFAULT_SINCE = "30d";
  private static final Logger LOG = Logger.getLogger(ExportApi.class.getName());
  private static final Set<String> COMMON =
      Set.of("since", "specialist", "tenant", "format", "val_share", "seed", "split");

  private final TrainingExport export;
  private final InstantSource clock;

  ExportApi(TrainingExport export, InstantSource clock) {
    this.export = export;
    this.clock = clock;
  }

  void export(ServerRequest req, ServerResponse res) throws IOException {
    ExportRequest.Kind kind = kind(req);
    Query q = new Query(req, params(kind));
    ExportRequest r = request(kind, q);
    Split only = split(q, r);
    OutputStream[] out = {null};
    try {
      export.export(
          r,
          split -> {
            if (only != null && split != only) {
              return OutputStream.nullOutputStream();
            }
            if (out[0] == null) {
              res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
              out[0] = res.outputStream();
            }
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

  private static ExportRequest.Kind kind(ServerRequest req) {
    String kind = req.path().pathParameters().get("kind");
    return switch (kind) {
      case "sft" -> ExportRequest.Kind.SFT;
      case "preferences" -> ExportRequest.Kind.PREFERENCES;
      case "kto" -> ExportRequest.Kind.KTO;
      default ->
          throw new NyxException.BadRequest(
              "kind", "unknown export '" + kind + "'; allowed: sft, preferences, kto");
    };
  }

  private static Set<String> params(ExportRequest.Kind kind) {
    Set<String> own =
        switch (kind) {
          case SFT -> Set.of("min_reward");
          case PREFERENCES -> Set.of("min_gap");
          case KTO -> Set.of("min_reward", "max_reward");
        };
    Set<String> all = new java.util.HashSet<>(COMMON);
    all.addAll(own);
    return all;
  }

  private ExportRequest request(ExportRequest.Kind kind, Query q) {
    Format format = format(q, kind);
    double minReward = number(q, "min_reward", false, -1, 1, ExportRequest.DEFAULT_MIN_REWARD);
    double maxReward = number(q, "max_reward", false, -1, 1, ExportRequest.DEFAULT_MAX_REWARD);
    if (kind == ExportRequest.Kind.KTO && !(maxReward < minReward)) {
      throw new NyxException.BadRequest(
          "max_reward",
          "'max_reward' must be below 'min_reward' but was " + maxReward + " >= " + minReward);
    }
    return new ExportRequest(
        kind,
        format,
        q.optional("specialist", 64),
        since(q.optional("since", 64)),
        minReward,
        number(q, "min_gap", true, 0, 2, ExportRequest.DEFAULT_MIN_GAP),
        maxReward,
        q.optional("tenant", 64),
        number(q, "val_share", false, 0, ExportRequest.MAX_VAL_SHARE, 0),
        seed(q));
  }

  private static Format format(Query q, ExportRequest.Kind kind) {
    String f = q.optional("format", 16);
    Format format =
        f == null
            ? Format.TRL
            : Format.of(f)
                .orElseThrow(
                    () ->
                        new NyxException.BadRequest(
                            "format", "'format' must be trl or openai but was '" + f + "'"));
    if (!format.supports(kind)) {
      throw new NyxException.BadRequest(
          "format", "format " + format.label() + " has no " + kind.label() + " lines; use trl");
    }
    return format;
  }

  /** The one part asked for, or null for both. */
  private static @Nullable Split split(Query q, ExportRequest r) {
    String s = q.optional("split", 16);
    if (s == null) {
      return null;
    }
    Split split =
        switch (s) {
          case "train" -> Split.TRAIN;
          case "validation" -> Split.VALIDATION;
          default ->
              throw new NyxException.BadRequest(
                  "split", "'split' must be train or validation but was '" + s + "'");
        };
    if (split == Split.VALIDATION && r.valShare() == 0) {
      throw new NyxException.BadRequest(
          "split", "'split=validation' needs a 'val_share' above 0: nothing is held out");
    }
    return split;
  }

  private static long seed(Query q) {
    String v = q.optional("seed", 20);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest("seed", "'seed' must be an integer but was '" + v + "'");
    }
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
