package io.nyx.backend;

/** Token counts reported by the backend; zero when the backend did not report them. */
public record Usage(int promptTokens, int completionTokens) {
  public static final Usage NONE = new Usage(0, 0);
}
