package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcFactStore;
import io.nyx.persistence.jdbc.JdbcMemoryStore;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nyx memory import} and {@code nyx facts import} against a real PostgreSQL. */
class ImportCommandsTest {
  @TempDir Path dir;

  @Test
  void memoryImportChunksShowsProgressAndResumes() throws IOException {
    String db = TestDatabase.createEmpty();
    Path md = dir.resolve("notes.md");
    Files.writeString(
        md,
        "# Garden\n\nThe tomatoes are planted along the south fence.\n\n"
            + "The compost is turned every Sunday. "
            + "Rain water is collected in the green barrel. ".repeat(8));
    CliRun first =
        run("memory", "import", md.toString(), "--db-url", url(db), "--chunk-chars", "120");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.err()).contains("100%").contains("chunks");
    int stored = Integer.parseInt(first.out().replaceAll("(?s).* (\\d+) stored.*", "$1"));
    assertThat(stored).isGreaterThan(2);

    CliRun again =
        run("memory", "import", md.toString(), "--db-url", url(db), "--chunk-chars", "120");
    assertThat(again.out()).contains(" 0 stored"); // repeated chunks were stored once, too
    try (Database d = open(db)) {
      var all = new JdbcMemoryStore(d.dataSource()).all();
      assertThat(all).hasSize(stored);
      assertThat(all).allSatisfy(m -> assertThat(m.text().length()).isLessThanOrEqualTo(120));
      assertThat(all.getFirst().source()).isEqualTo("import:notes.md");
    }
  }

  @Test
  void factsImportValidatesAndSkipsWhatIsIn() throws IOException {
    String db = TestDatabase.createEmpty();
    Path jsonl = dir.resolve("facts.jsonl");
    Files.writeString(
        jsonl,
        """
        {"statement":"The Danube flows into the Black Sea.","source":"atlas","confidence":0.95}
        {"statement":"Mount Elbrus is the highest peak in Europe.","confidence":0.8}
        """);
    CliRun first = run("facts", "import", jsonl.toString(), "--db-url", url(db));
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("2 stored, 0 already present");
    assertThat(run("facts", "import", jsonl.toString(), "--db-url", url(db)).out())
        .contains("0 stored, 2 already present");
    try (Database d = open(db)) {
      var hits = new JdbcFactStore(d.dataSource()).search("Danube", 5);
      assertThat(hits).singleElement().satisfies(f -> assertThat(f.source()).isEqualTo("atlas"));
    }
    Files.writeString(jsonl, "{\"statement\":\"x\",\"confidence\":7}\n");
    CliRun bad = run("facts", "import", jsonl.toString(), "--db-url", url(db));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("line 1").contains("confidence");
  }

  /**
   * A line PostgreSQL cannot store (U+0000, an unpaired surrogate, written as JSON escapes or raw)
   * fails the import naming the line, before anything is written: the earlier lines are not stored
   * either.
   */
  @Test
  void unstorableTextFailsTheImportNamingTheLineBeforeAnythingIsWritten() throws IOException {
    String db = TestDatabase.createEmpty();
    Path memories = dir.resolve("notes.jsonl");
    Files.writeString(memories, "{\"text\":\"Anna likes tea\"}\n{\"text\":\"tea\\u0000time\"}\n");
    CliRun jsonl = run("memory", "import", memories.toString(), "--db-url", url(db));
    assertThat(jsonl.code()).as(jsonl.err()).isEqualTo(1);
    assertThat(jsonl.err()).contains("line 2: 'text' contains U+0000 (NUL) at char 3");

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "Anna likes tea.\n\nTea\u0000time is at five.\n");
    CliRun txt = run("memory", "import", text.toString(), "--db-url", url(db));
    assertThat(txt.code()).as(txt.err()).isEqualTo(1);
    assertThat(txt.err()).contains("line 3: contains U+0000 (NUL) at char 3");

    Path facts = dir.resolve("facts.jsonl");
    Files.writeString(
        facts,
        "{\"statement\":\"The Danube flows into the Black Sea.\"}\n"
            + "{\"statement\":\"Elbrus\\ud83d is high.\"}\n");
    CliRun fact = run("facts", "import", facts.toString(), "--db-url", url(db));
    assertThat(fact.code()).as(fact.err()).isEqualTo(1);
    assertThat(fact.err())
        .contains("line 2: 'statement' contains an unpaired surrogate U+D83D at char 6");
    try (Database d = open(db)) {
      assertThat(new JdbcMemoryStore(d.dataSource()).all()).isEmpty();
      assertThat(new JdbcFactStore(d.dataSource()).search("Danube", 5)).isEmpty();
    }
  }

  private static String url(String db) {
    return TestDatabase.ownerUrl(db);
  }

  private static Database open(String db) {
    return TestDatabase.asOwner(db);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }
}
