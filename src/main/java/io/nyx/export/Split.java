package io.nyx.export;

import java.util.Locale;

/** The two parts of an export: what a trainer learns from and what it measures on. */
public enum Split {
  TRAIN,
  VALIDATION;

  /** Its name in files, manifests and parameters: {@code train}, {@code validation}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
