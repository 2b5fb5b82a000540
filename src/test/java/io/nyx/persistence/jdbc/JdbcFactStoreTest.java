package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.context.Fact;
import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcFactStoreTest {
  private static Database db;
  private static JdbcFactStore facts;
  private static Fact boiling;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    facts = new JdbcFactStore(db.dataSource());
    facts.add("The Eiffel Tower is in Paris and was finished in 1889.", "wiki", 0.99);
    boiling = facts.add("Water boils at 100 degrees Celsius at sea level.", "physics", 0.95);
    facts.add("Mountain climbers know water boils at lower temperatures.", "blog", 0.6);
    facts.add("Paris is the capital of France.", "wiki", 0.99);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void bestMatchComesFirst() {
    List<Fact> found = facts.search("at what temperature does water boil at sea level", 5);
    assertThat(found).isNotEmpty();
    assertThat(found.get(0)).isEqualTo(boiling);
  }

  @Test
  void factsSatisfyingEveryWordRankAboveFactsMatchingSome() {
    List<Fact> found = facts.search("water boils", 5);
    assertThat(found).extracting(Fact::source).containsExactlyInAnyOrder("physics", "blog");
    assertThat(facts.search("\"capital of France\"", 5).get(0).statement())
        .isEqualTo("Paris is the capital of France.");
    assertThat(facts.search("paris -tower", 5).get(0).statement())
        .isEqualTo("Paris is the capital of France.");
  }

  @Test
  void stemmingMatchesOtherWordForms() {
    assertThat(facts.search("boiling", 10))
        .extracting(Fact::source)
        .containsExactlyInAnyOrder("physics", "blog");
  }

  @Test
  void limitIsHonouredAndUnrelatedTextFindsNothing() {
    assertThat(facts.search("paris", 1)).hasSize(1);
    assertThat(facts.search("quantum chromodynamics", 5)).isEmpty();
  }

  @Test
  void sqlMetacharactersAreOnlyText() throws SQLException {
    String hostile = "'; DROP TABLE nyx_facts; --";
    assertThat(facts.search(hostile, 5)).isEmpty();
    assertThat(facts.search("\") OR 1=1 -- & | ! :* <->", 5)).isEmpty();
    assertThat(facts.search("", 5)).isEmpty();
    Fact stored = facts.add(hostile, "attacker", 0.1);
    assertThat(stored.statement()).isEqualTo(hostile);
    assertThat(factCount()).isEqualTo(5);
    assertThat(facts.search("water", 10)).contains(boiling);
  }

  @Test
  void confidenceOutsideUnitIntervalIsRejected() {
    assertThatThrownBy(() -> facts.add("x", "y", 1.5)).isInstanceOf(IllegalArgumentException.class);
  }

  private static long factCount() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM nyx_facts")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
