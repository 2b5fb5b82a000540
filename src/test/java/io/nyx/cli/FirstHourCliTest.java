package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a newcomer meets it in the first minutes. */
class FirstHourCliTest {
  @TempDir Path dir;

  @Test
  void versionNamesNyxAndTheJava() {
    for (String flag : List.of("--version", "version")) {
      CliRun r = CliRun.of(flag);
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .matches("nyx \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java \\d+.*\\)\\R")
          .contains(System.getProperty("os.arch"));
    }
    assertThat(CliRun.of("--help").out()).contains("nyx --version");
  }

  @Test
  void aConfigFileThatCannotBeReadSaysWhy() throws IOException {
    Path missing = dir.resolve("missing.yaml");
    CliRun r = CliRun.of("route", "--config", missing.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read " + missing + ": no such file (working directory");

    CliRun folder = CliRun.of("route", "--config", dir.toString());
    assertThat(folder.err()).contains("cannot read " + dir + ": it is a directory, not a file");

    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
    assertThat(CliRun.of("route", "--config", latin1.toString()).err())
        .contains("cannot read " + latin1 + ": not UTF-8 text");

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "routing: [\n");
    assertThat(CliRun.of("route", "--config", broken.toString()).err())
        .contains("--config: " + broken + ": (document): is not valid YAML");
  }

  @Test
  void keysListSaysWhenThereAreNone() {
    String url = TestDatabase.ownerUrl(TestDatabase.createEmpty());
    CliRun r = CliRun.of("keys", "list", "--db-url", url);
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains("no API keys in the database or the configuration")
        .contains("loopback only")
        .contains("./nyx keys create --name NAME --scopes infer,feedback");
  }

  @Test
  void exemplarsListSaysWhenThereAreNone() {
    String url = TestDatabase.ownerUrl(TestDatabase.createEmpty());
    CliRun r = CliRun.of("exemplars", "list", "--db-url", url);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no learned exemplars yet").contains("route_to");
  }

  @Test
  void aShortSimulationStillPrintsItsRegretRows() {
    assertThat(SimulateCommand.checkpoints(200)).containsExactly(25, 50, 100, 200);
    assertThat(SimulateCommand.checkpoints(2000)).containsExactly(500, 1000, 2000);
    assertThat(SimulateCommand.checkpoints(3000)).containsExactly(500, 1000, 2000, 3000);
    assertThat(SimulateCommand.checkpoints(5)).containsExactly(1, 2, 4, 5);
    CliRun r =
        CliRun.of(
            Map.of("HOME", dir.toString()),
            "simulate",
            "--data",
            "src/test/resources/routing/default-labeled.jsonl",
            "--steps",
            "120");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^ +15: ").containsPattern("(?m)^ +120: ");
  }

  /**
   * The banner says where Nyx listens and what it uses; stopping (a shutdown hook in the real
   * process, called by the test here) closes everything and says so.
   */
  @Test
  void serveShowsWhereItListensAndSaysWhenItStopped() throws Exception {
    List<Runnable> hooks = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    try (FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      List<String> args =
          List.of(
              "--port",
              "0",
              "--llm-url",
              vllm.baseUrl(),
              "--db-url",
              TestDatabase.ownerUrl(TestDatabase.createEmpty()),
              "--data-dir",
              dir.toString());
      // A thread of its own: serve blocks until its hook runs (the common pool may have one thread)
      CompletableFuture<Integer> served = new CompletableFuture<>();
      Thread.ofPlatform()
          .start(
              () ->
                  served.complete(
                      new ServeCommand(hooks::add)
                          .run(
                              args,
                              new ByteArrayInputStream(new byte[0]),
                              print,
                              print,
                              Map.of())));
      try {
        waitFor(() -> text(out).contains("Stop with Ctrl-C."), served);
        assertThat(text(out))
            .containsPattern(
                "Nyx listening on http://127\\.0\\.0\\.1:\\d+ \\(started in \\d+ ms\\)")
            .contains("model server: " + vllm.baseUrl())
            .contains("database:     jdbc:postgresql://")
            .doesNotContain(TestDatabase.superuserPassword())
            .contains("data dir:     " + dir)
            .contains("API keys:     none exist: listening on loopback only")
            .contains("/infer -H 'Content-Type: application/json'");
        assertThat(hooks).hasSize(1);
      } finally {
        hooks.forEach(Runnable::run); // stops the server whatever the assertions said
      }
      assertThat(served.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(text(out)).containsPattern("Nyx stopping\\.\\.\\.\\RNyx stopped \\(in \\d+ ms\\)");
    }
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Until {@code done}, failing early when the server's run ends first (a failed start). */
  private static void waitFor(BooleanSupplier done, CompletableFuture<Integer> run)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (run.isDone()) {
        run.get(); // throws the start's failure
        throw new AssertionError("serve returned before it printed its banner");
      }
      assertThat(System.nanoTime()).as("banner within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
