package io.nyx.metrics;

/** Records nothing. */
final class NoopMetrics implements NyxMetrics {
  @Override
  public void backendCall(String specialist, String outcome, double seconds) {}

  @Override
  public void tokens(String specialist, int promptTokens, int completionTokens) {}

  @Override
  public void routed(String method, String specialist) {}

  @Override
  public void request(String route, int status, double seconds) {}

  @Override
  public void reward(String specialist, double reward) {}

  @Override
  public void traitWeight(String specialist, double weight) {}

  @Override
  public void retry(String specialist, String cause) {}

  @Override
  public void fallback(String specialist, String why) {}

  @Override
  public String scrape() {
    return "";
  }

  @Override
  public void spool(String kind, java.util.function.IntSupplier pending) {}

  @Override
  public void deadLetters(String kind, java.util.function.LongSupplier total) {}

  @Override
  public void partitionCheck(boolean ok) {}

  @Override
  public void contextFailed(String source) {}

  @Override
  public void adapterTransition(String specialist, String to, String by) {}

  @Override
  public void adapterRepair(String specialist, String why) {}

  @Override
  public void adapterLineup(String specialist, int activeVersion, double canaryShare) {}
}
