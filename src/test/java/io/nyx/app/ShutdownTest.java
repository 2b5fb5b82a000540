package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownTest {
  @Test
  void everyStepRunsAndTheFirstFailureCarriesTheOthers() {
    List<String> ran = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Shutdown.run(
                    () -> ran.add("server"),
                    () -> {
                      ran.add("spools");
                      throw new IllegalStateException("spool disk gone");
                    },
                    () -> {
                      ran.add("index");
                      throw new IOException("index locked");
                    },
                    () -> ran.add("database")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("spool disk gone")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s.getCause()).hasMessage("index locked")));
    assertThat(ran).containsExactly("server", "spools", "index", "database");
  }

  @Test
  void anInterruptedStepLeavesTheInterruptSetAndTheRestStillRun() {
    List<String> ran = new ArrayList<>();
    try {
      assertThatThrownBy(
              () ->
                  Shutdown.run(
                      () -> {
                        throw new InterruptedException("stop now");
                      },
                      () -> ran.add("database")))
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(ran).containsExactly("database");
    } finally {
      Thread.interrupted(); // clear it for the next test
    }
  }

  @Test
  void nothingFailingThrowsNothing() {
    List<String> ran = new ArrayList<>();
    Shutdown.run(() -> ran.add("a"), () -> ran.add("b"));
    assertThat(ran).containsExactly("a", "b");
  }
}
