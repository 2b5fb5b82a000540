package io.nyx.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RootCheckTest {
  @Test
  void rootWithoutUserNamespacesGetsAdviceInsteadOfInitdbError() {
    assertThat(RootCheck.problem(true, () -> false)).contains(RootCheck.ADVICE);
    assertThat(RootCheck.problem(true, () -> true)).isEmpty();
    assertThat(RootCheck.problem(false, () -> false)).isEmpty();
    assertThat(RootCheck.ADVICE).contains("--db-url").contains("normal user");
  }
}
