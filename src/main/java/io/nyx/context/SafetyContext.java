package io.nyx.context;

import java.util.List;

/** Eleos: care guidance added to every prompt it answers. */
public final class SafetyContext implements ContextBuilder {
  public static final String GUIDANCE =
      "Respond with warmth and without judgement. If the person may be in danger or thinking of"
          + " harming themselves or others, say clearly that help is available, encourage contacting"
          + " local emergency services or a crisis line, and do not give instructions that could"
          + " cause harm.";

  @Override
  public List<ContextItem> build(ContextRequest request) {
    return List.of(new ContextItem.GuidanceItem(GUIDANCE));
  }
}
