package io.nyx.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * How tests wait. A test that waits for something to happen waits on the condition with {@link
 * #await}, never for a fixed time: a fixed wait is too short on a loaded machine and too long
 * everywhere else. A test that needs time itself to pass (a client that sends a byte every 500 ms,
 * a child process that must stay up until killed) says so with {@link #pause}.
 */
public final class Waits {
  private Waits() {}

  /**
   * Awaitility's {@code await}, named for the failure message ("Condition with alias '{@code what}'
   * didn't complete within ..."), that checks the condition at once: Awaitility's own first check
   * comes one poll interval late, which only adds wall time. The caller sets {@code atMost} (how
   * long is reasonable) and {@code pollInterval} (how costly a check is).
   */
  public static ConditionFactory await(String what) {
    return Awaitility.await(what).pollDelay(Duration.ZERO);
  }

  /**
   * Lets {@code length} pass, for a test whose subject is the passing of time, never to let a
   * background thread catch up (await what it does instead). {@code why} is for the reader, and
   * names the pause if it is interrupted.
   */
  public static void pause(Duration length, String why) {
    try {
      Thread.sleep(length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a pause (" + why + ")", e);
    }
  }
}
