package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.history.History;
import io.nyx.history.QueryFilter;
import io.nyx.history.QuerySummary;
import io.nyx.persistence.Database;
import io.nyx.pipeline.QueryRecord;
import io.nyx.security.Caller;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyset paging over the partitioned log against a slow oracle: every row in memory, filtered and
 * sorted by {@code (created_at, id)} descending. Rows share timestamps (ties are where a cursor on
 * the time alone would skip or repeat rows) and span two months (two partitions).
 */
class JdbcQueryHistoryTest {
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
  private static Database db;
  private static JdbcQueryHistory history;
  private static final List<QueryRecord> ROWS = new ArrayList<>();

  @BeforeAll
  static void fill() {
    db = TestDatabase.fresh();
    history = new JdbcQueryHistory(db.dataSource());
    JdbcQueryLog log = new JdbcQueryLog(db.dataSource());
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      Instant at = T0.minus(random.nextInt(6) * 20L, ChronoUnit.DAYS); // 6 distinct times
      String tenant = random.nextBoolean() ? "a" : "b";
      String specialist = random.nextInt(3) == 0 ? null : "kairos";
      QueryRecord row = row(new UUID(random.nextLong(), random.nextLong()), at, tenant, specialist);
      ROWS.add(row);
    }
    log.appendAll(ROWS);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void everyPageIsTheOraclesSliceWhateverTheFilter() {
    check(null, null, r -> true);
    check("a", null, r -> r.tenant().equals("a"));
    check("b", "kairos", r -> r.tenant().equals("b") && "kairos".equals(r.specialist()));
    check(null, QueryFilter.BASE, r -> r.specialist() == null);
  }

  @Test
  void aKeySeesOnlyItsTenantAndSinceCutsByTime() {
    Instant since = T0.minus(40, ChronoUnit.DAYS);
    List<UUID> paged =
        pageAll(new QueryFilter(null, since, null, "ok", null, 5), new Caller("b", "b-key", false));
    assertThat(paged)
        .containsExactlyElementsOf(
            oracle(r -> r.tenant().equals("b") && !r.createdAt().isBefore(since)));
  }

  /** The console's search: words of the question or answer, any case; % and _ are plain. */
  @Test
  void textFindsTheQuestionsThatContainItIgnoringCase() {
    String fragment =
        ROWS.get(3).id().toString().substring(0, 4).toUpperCase(java.util.Locale.ROOT);
    for (String text : List.of(fragment, "QUESTION", "%", "_")) {
      String lower = text.toLowerCase(java.util.Locale.ROOT);
      List<UUID> paged =
          pageAll(new QueryFilter(null, null, null, null, null, 4, text), Caller.LOCAL);
      assertThat(paged)
          .as(text)
          .containsExactlyElementsOf(
              oracle(
                  r ->
                      (r.query() + "\n" + (r.response() == null ? "" : r.response()))
                          .toLowerCase()
                          .contains(lower)));
    }
    assertThat(pageAll(new QueryFilter(null, null, null, null, null, 100, fragment), Caller.LOCAL))
        .contains(ROWS.get(3).id());
  }

  @Test
  void summariesFindTheRowsThatExist() {
    UUID absent = new UUID(1, 1);
    var found = history.summaries(List.of(ROWS.get(0).id(), ROWS.get(1).id(), absent));
    assertThat(found).containsOnlyKeys(ROWS.get(0).id(), ROWS.get(1).id());
    assertThat(found.get(ROWS.get(0).id()).query()).isEqualTo(ROWS.get(0).query());
  }

  private static void check(
      @Nullable String tenant, @Nullable String specialist, Predicate<QueryRecord> oracle) {
    for (int limit : new int[] {1, 4, 7, 100}) {
      QueryFilter f = new QueryFilter(tenant, null, specialist, null, null, limit);
      assertThat(pageAll(f, Caller.LOCAL))
          .as("tenant %s, specialist %s, limit %d", tenant, specialist, limit)
          .containsExactlyElementsOf(oracle(oracle));
    }
  }

  /** Follows next cursors to the end, through {@link History} (as the API does). */
  private static List<UUID> pageAll(QueryFilter first, Caller caller) {
    History h = new History(history, (tenant, state, before, limit) -> List.of());
    List<UUID> out = new ArrayList<>();
    QueryFilter f = first;
    while (true) {
      History.Page<QuerySummary> page = h.exchanges(f, caller);
      assertThat(page.items().size()).isLessThanOrEqualTo(f.limit());
      page.items().forEach(s -> out.add(s.id()));
      if (page.next() == null) {
        return out;
      }
      f =
          new QueryFilter(
              f.tenant(),
              f.since(),
              f.specialist(),
              f.status(),
              io.nyx.history.Cursor.parse(page.next()),
              f.limit(),
              f.text());
    }
  }

  /**
   * Newest first, ties by id descending as PostgreSQL orders uuids: bytewise unsigned, which is the
   * order of their canonical text (not {@link UUID#compareTo}, which compares signed longs).
   */
  private static List<UUID> oracle(Predicate<QueryRecord> keep) {
    return ROWS.stream()
        .filter(keep)
        .sorted(
            Comparator.comparing(QueryRecord::createdAt)
                .thenComparing(r -> r.id().toString())
                .reversed())
        .map(QueryRecord::id)
        .toList();
  }

  private static QueryRecord row(UUID id, Instant at, String tenant, @Nullable String specialist) {
    QueryRecord f = QueryRecords.full(id, at);
    return new QueryRecord(
        id,
        at,
        f.sessionId(),
        "question " + id,
        specialist,
        f.adapter(),
        f.routeMethod(),
        f.routeConfidence(),
        f.route(),
        f.messages(),
        f.decoding(),
        f.context(),
        f.response(),
        f.finishReason(),
        f.confidence(),
        f.reward(),
        f.promptTokens(),
        f.completionTokens(),
        f.latencyMs(),
        f.backendLatencyMs(),
        f.status(),
        f.error(),
        tenant,
        f.keyName());
  }
}
