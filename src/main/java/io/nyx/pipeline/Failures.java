package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import java.util.UUID;

/** Maps backend failures to Nyx failures, once. */
final class Failures {
  private Failures() {}

  static NyxException map(BackendException e, UUID id) {
    return switch (e) {
      case BackendException.Unreachable u ->
          new NyxException.Unavailable("model backend " + e.url() + " is unreachable", id, e);
      case BackendException.Timeout t -> new NyxException.Unavailable(e.getMessage(), id, e);
      case BackendException.ModelNotFound m ->
          new NyxException.Unavailable(
              "adapter '" + m.model() + "' is not loaded on " + e.url(), id, e);
      case BackendException.Rejected r ->
          r.status() == 429
              ? new NyxException.Unavailable(e.getMessage(), id, e)
              : new NyxException.BadRequest(
                  r.param().isEmpty() ? "query" : r.param(), e.getMessage(), id);
      case BackendException.ServerError s -> new NyxException.UpstreamFailed(e.getMessage(), id, e);
      case BackendException.Malformed m -> new NyxException.UpstreamFailed(e.getMessage(), id, e);
    };
  }
}
