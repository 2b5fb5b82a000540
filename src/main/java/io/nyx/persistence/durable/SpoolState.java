package io.nyx.persistence.durable;

/**
 * A spool as {@code /ready} and the metrics see it.
 *
 * @param kind which spool: rows, feedback, follow-up, trait evidence
 * @param pending frames on local disk waiting for the database
 * @param moved frames out of the spool since start, written or dead-lettered: a spool whose {@code
 *     pending} stays above 0 while this stands still is stuck
 * @param deadLetters frames in its dead-letter file, from this run and earlier ones
 * @param deadLettered frames this process dead-lettered (only grows)
 */
public record SpoolState(
    String kind, int pending, long moved, long deadLetters, long deadLettered) {}
