package io.nyx.adapter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The registry (in PostgreSQL, shared by every replica) and the per-version figures read from the
 * request log. Every change of state is a compare-and-set: it names the state it expects, and all
 * moves of one call commit together with their events or not at all, so two replicas (or an
 * operator and the deciding replica) never both win. Implementations are thread-safe.
 */
public interface AdapterStore {

  /** Every version, by specialist, then version. */
  List<AdapterVersion> all();

  /** All transitions of one specialist's versions, oldest first. */
  List<Transition> history(String specialist);

  /** A configured specialist's adapter, registered as version 1 when it has none yet. */
  record Seed(String specialist, String name, String path) {}

  /**
   * Registers each seed whose specialist has no version yet as version 1, {@code active}, with
   * actor {@code nyx}; a seed whose specialist has versions is left alone (also when replicas start
   * together). Returns the versions it registered.
   */
  List<AdapterVersion> seed(List<Seed> seeds, Instant at);

  /** A version to register, its directory checked. */
  record NewVersion(
      String specialist, int version, String name, String path, String baseModel, int rank) {}

  /**
   * Inserts a {@code candidate} and its registration event.
   *
   * @throws AdapterException.Conflict when the version or its served name exists
   */
  AdapterVersion register(NewVersion v, String actor, String reason, Instant at);

  /**
   * One version's change of state: from {@code from} (as the caller last saw it) to {@code to},
   * with {@code share} (0 unless {@code to} is canary) and its own reason.
   */
  record Move(String name, AdapterState from, AdapterState to, double share, String reason) {}

  /**
   * Applies {@code moves} in order in one transaction, recording one event each with {@code actor}
   * and {@code figures}; returns the versions as they are now.
   *
   * @throws AdapterException.Conflict when a version is no longer in its {@code from} state, or the
   *     move would give a specialist two active versions or two canaries
   * @throws AdapterException.Unknown when a name is not registered
   */
  List<AdapterVersion> apply(
      List<Move> moves, String actor, Map<String, Object> figures, Instant at);

  /** Records whether vLLM served the version when last looked at. */
  void loaded(String name, boolean loaded);

  /**
   * Rewards of the answers {@code version} (null: no adapter, i.e. the base model answering for the
   * specialist) gave since {@code since}, in the order they were given, at most {@code limit}.
   * Counted are answers and the calls the adapter failed (reward −1); calls that never reached it
   * (saturation, an unreachable server) are not.
   */
  double[] rewards(String specialist, @Nullable Integer version, Instant since, int limit);

  /** Answers, mean reward and error rate of {@code version} since {@code since} (at most limit). */
  Usage usage(String specialist, int version, Instant since, int limit);

  /** The version's last {@code window} answers, and up to {@code history} before them. */
  record Recent(Usage window, Usage history) {}

  Recent recent(String specialist, int version, int window, int history);

  /**
   * Ids of the version's failed calls and answers with reward below {@code below} in its window.
   */
  List<String> poorAnswers(String specialist, int version, int window, double below);
}
