package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.persistence.Database;
import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.LearnedExemplar;
import io.nyx.routing.LearnedExemplarStore;
import io.nyx.routing.RoutingSettings;
import io.nyx.routing.SemanticRouter;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.TestDatabase;
import io.nyx.testing.WordEmbedder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Learned exemplars in PostgreSQL: provenance kept, the bound per route, removal, and two replicas
 * (each its own pool and router, as two Nyx processes) seeing each other's lessons.
 */
class LearnedExemplarReplicasTest {
  static final List<SpecialistConfig> ROUTES =
      List.of(
          spec("kairos", "what time is it now", "when should i leave for the airport"),
          spec("moira", "will it rain tomorrow", "weather forecast for the weekend"));
  static final RoutingSettings SETTINGS = RoutingSettings.DEFAULT.withThreshold(0.3);

  @Test
  void rowsKeepTheirProvenanceAndTheBound() {
    try (Database db = TestDatabase.fresh()) {
      JdbcLearnedExemplarStore store = new JdbcLearnedExemplarStore(db.dataSource());
      UUID query = UUID.randomUUID();
      LearnedExemplar first =
          store
              .add(
                  new LearnedExemplar.Candidate(
                      "kairos", "traffic jam", LearnedExemplar.Source.CORRECTION, query, "alice"),
                  2)
              .orElseThrow();
      assertThat(store.add(candidate("kairos", "traffic jam"), 2)).isEmpty(); // same text
      store.add(candidate("kairos", "bus delay"), 2);
      store.add(candidate("kairos", "train strike"), 2);
      store.add(candidate("moira", "umbrella"), 2);

      assertThat(store.all())
          .extracting(LearnedExemplar::route, LearnedExemplar::text)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("kairos", "bus delay"),
              org.assertj.core.groups.Tuple.tuple("kairos", "train strike"),
              org.assertj.core.groups.Tuple.tuple("moira", "umbrella"));
      assertThat(first.queryId()).isEqualTo(query);
      assertThat(first.rater()).isEqualTo("alice");
      assertThat(first.source()).isEqualTo(LearnedExemplar.Source.CORRECTION);
      LearnedExemplar feedback = store.all().get(2);
      assertThat(feedback.queryId()).isNull();
      assertThat(feedback.source()).isEqualTo(LearnedExemplar.Source.FEEDBACK);
    }
  }

  @Test
  void twoReplicasLearnFromEachOtherAndRemovalReachesBoth() {
    String name = TestDatabase.createEmpty();
    try (Database a = TestDatabase.asOwner(name);
        Database b = TestDatabase.asOwner(name)) {
      SemanticRouter routerA = new SemanticRouter(new WordEmbedder(), ROUTES, SETTINGS);
      SemanticRouter routerB = new SemanticRouter(new WordEmbedder(), ROUTES, SETTINGS);
      ExemplarLearning replicaA = learning(routerA, new JdbcLearnedExemplarStore(a.dataSource()));
      ExemplarLearning replicaB = learning(routerB, new JdbcLearnedExemplarStore(b.dataSource()));
      replicaB.refreshIfChanged();

      replicaA.correct("kairos", "is there traffic on the ring road", null, "alice");
      assertThat(routerB.route("traffic on the ring road", Map.of()).specialist()).isEmpty();
      assertThat(replicaB.refreshIfChanged()).isTrue();
      assertThat(routerB.route("traffic on the ring road", Map.of()).specialist())
          .hasValue("kairos");
      // A near duplicate learned on B is refused: A's exemplar is B's anchor now.
      assertThat(replicaB.correct("kairos", "traffic on the ring road is there", null, "bob"))
          .isInstanceOf(ExemplarLearning.Outcome.Skipped.class);

      long id = replicaB.list().getFirst().id();
      assertThat(replicaB.remove(id)).isTrue();
      assertThat(replicaA.refreshIfChanged()).isTrue();
      assertThat(routerA.route("traffic on the ring road", Map.of()).specialist()).isEmpty();
    }
  }

  @Test
  void memoriesOfAnotherModelRefuseTheSwitch() throws Exception {
    try (Database db = TestDatabase.fresh()) {
      JdbcEmbeddingModel.requireSame(db.dataSource(), "all-minilm-l6-v2-q", 384);
      JdbcEmbeddingModel.requireSame(db.dataSource(), "bge-small-en-v1.5-q", 384); // no memories
      new JdbcMemoryStore(db.dataSource())
          .add(
              "a fact",
              new float[384],
              Map.of(),
              "test",
              io.nyx.memory.Owner.of(io.nyx.memory.Owner.LOCAL));

      assertThatThrownBy(
              () -> JdbcEmbeddingModel.requireSame(db.dataSource(), "all-minilm-l6-v2-q", 384))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("embedded with bge-small-en-v1.5-q");
      JdbcEmbeddingModel.requireSame(db.dataSource(), "bge-small-en-v1.5-q", 384);
    }
  }

  private static ExemplarLearning learning(SemanticRouter router, LearnedExemplarStore store) {
    return new ExemplarLearning(router, store, ExemplarLearning.Settings.DEFAULT);
  }

  private static LearnedExemplar.Candidate candidate(String route, String text) {
    return new LearnedExemplar.Candidate(
        route, text, LearnedExemplar.Source.FEEDBACK, null, "local");
  }

  private static SpecialistConfig spec(String name, String... exemplars) {
    return new SpecialistConfig(
        name, "", name, ContextStrategy.NONE, "", List.of(exemplars), Decoding.DEFAULT, 0.5, null);
  }
}
