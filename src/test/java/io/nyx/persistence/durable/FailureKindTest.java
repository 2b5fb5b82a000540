package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule that tells a frame the database will never take from an outage. */
class FailureKindTest {
  private static StoreException store(String state) {
    return new StoreException("append", new SQLException("refused", state));
  }

  @ParameterizedTest
  @ValueSource(strings = {"22021", "22P05", "22001", "22023", "23505", "23514", "23503", "NYX01"})
  void dataAndConstraintErrorsArePermanent(String state) {
    assertThat(FailureKind.of(store(state))).isEqualTo(FailureKind.PERMANENT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08001", "08006", "40001", "40P01", "53300", "53100", "55P03", "57014", "57P01", "42501",
        "42P01", "XX000"
      })
  void outagesAndTheDeploymentsStateAreTransient(String state) {
    assertThat(FailureKind.of(store(state))).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void theStateIsFoundAnywhereInTheCauseChain() {
    // A pool timeout carries no state of its own, only its last connection failure's.
    SQLException timeout = new SQLTransientConnectionException("pool timed out");
    timeout.initCause(new SQLException("connection refused", "08001"));
    assertThat(FailureKind.of(new StoreException("append", timeout)))
        .isEqualTo(FailureKind.TRANSIENT);
    // A batch reports the failing statement's state; Sql.error turns 22023 into an IAE.
    BatchUpdateException batch =
        new BatchUpdateException("batch entry 3", "22021", 0, new int[0], null);
    assertThat(FailureKind.of(new StoreException("append of 500", batch)))
        .isEqualTo(FailureKind.PERMANENT);
    assertThat(
            FailureKind.of(
                new IllegalArgumentException("NaN", new SQLException("NaN weight", "22023"))))
        .isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void withoutAStateAStoreErrorIsAnOutageAndAFrameThatCannotBeAppliedIsPermanent() {
    assertThat(FailureKind.of(new StoreException("append", new SQLException("gone"))))
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new IOException("Unexpected end-of-input in frame")))
        .isEqualTo(FailureKind.PERMANENT);
    assertThat(FailureKind.of(new IllegalStateException("stored JSON does not fit")))
        .isEqualTo(FailureKind.PERMANENT);
  }
}
