package io.nyx.routing;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link LearnedExemplarStore} in memory: for tests and offline replays. Thread-safe (one lock).
 */
public final class MemoryLearnedExemplarStore implements LearnedExemplarStore {
  private final InstantSource clock;
  private final List<LearnedExemplar> rows = new ArrayList<>();
  private long lastId;

  public MemoryLearnedExemplarStore(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Optional<LearnedExemplar> add(LearnedExemplar.Candidate c, int maxPerRoute) {
    boolean same =
        rows.stream().anyMatch(r -> r.route().equals(c.route()) && r.text().equals(c.text()));
    if (same) {
      return Optional.empty();
    }
    LearnedExemplar e =
        new LearnedExemplar(
            ++lastId, c.route(), c.text(), c.source(), c.queryId(), c.rater(), clock.instant());
    rows.add(e);
    List<LearnedExemplar> ofRoute = rows.stream().filter(r -> r.route().equals(c.route())).toList();
    for (int i = 0; i < ofRoute.size() - maxPerRoute; i++) {
      rows.remove(ofRoute.get(i));
    }
    return Optional.of(e);
  }

  @Override
  public synchronized List<LearnedExemplar> all() {
    return List.copyOf(rows);
  }

  @Override
  public synchronized boolean remove(long id) {
    return rows.removeIf(r -> r.id() == id);
  }

  @Override
  public synchronized Version version() {
    return new Version(rows.size(), lastId);
  }
}
