package io.nyx.context;

import java.util.List;

/**
 * Gathers the context one specialist needs before it generates. Thread-safe. Failures of a store
 * raise unchecked exceptions; the pipeline decides whether to go on without.
 */
public interface ContextBuilder {

  List<ContextItem> build(ContextRequest request);

  ContextBuilder NONE = request -> List.of();
}
