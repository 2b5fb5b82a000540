package io.nyx.api;

import java.util.Map;

/** What {@code GET /ready} reports: each dependency and whether it is up, with details. */
public interface Readiness {

  /**
   * One dependency's state; {@code detail} says exactly what is down. A degraded check is up (the
   * server can take traffic) but needs an operator: {@code /ready} answers 200 with status
   * "degraded".
   */
  record Check(boolean ok, String detail, boolean degraded) {
    public Check(boolean ok, String detail) {
      this(ok, detail, false);
    }

    public static Check degraded(String detail) {
      return new Check(true, detail, true);
    }
  }

  Map<String, Check> check();
}
