package io.nyx.learning;

import java.util.List;
import java.util.UUID;

/** An {@link EvidenceJournal} that passes every call on; tests override the one they break. */
public class ForwardingJournal implements EvidenceJournal {
  private final EvidenceJournal inner;

  public ForwardingJournal(EvidenceJournal inner) {
    this.inner = inner;
  }

  @Override
  public UUID id() {
    return inner.id();
  }

  @Override
  public void append(EvidenceSum.Target target, TraitEvidence evidence) {
    inner.append(target, evidence);
  }

  @Override
  public long rotate() {
    return inner.rotate();
  }

  @Override
  public void advancePast(long applied) {
    inner.advancePast(applied);
  }

  @Override
  public void sync() {
    inner.sync();
  }

  @Override
  public void applied(long seq) {
    inner.applied(seq);
  }

  @Override
  public List<Segment> leftovers() {
    return inner.leftovers();
  }

  @Override
  public void close() {
    inner.close();
  }
}
