package io.nyx.adapter;

/**
 * Which replica takes the automatic adapter decisions: one at a time, another within a check
 * interval when it goes away. Thread-safe.
 */
public interface Leadership extends AutoCloseable {

  /** Whether this replica decides now; takes the lead when it is free. */
  boolean lead();

  /** Gives the lead up (if held). */
  @Override
  void close();

  /** A single replica: always the one. */
  Leadership ALONE =
      new Leadership() {
        @Override
        public boolean lead() {
          return true;
        }

        @Override
        public void close() {}
      };
}
