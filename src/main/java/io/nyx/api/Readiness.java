package io.nyx.api;

import java.util.Map;

/** What {@code GET /ready} reports: each dependency and whether it is up, with details. */
public interface Readiness {

  /** One dependency's state; {@code detail} says exactly what is down and where. */
  record Check(boolean ok, String detail) {}

  Map<String, Check> check();
}
