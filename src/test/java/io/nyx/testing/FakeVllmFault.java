package io.nyx.testing;

/** A misbehaviour {@link FakeVllm} applies to a chat-completions request instead of answering. */
sealed interface FakeVllmFault {
  /** An error status with vLLM's error JSON (nested, or flat in legacy mode). */
  record Fail(int status, String type, String message) implements FakeVllmFault {}

  /** Accept the request, send nothing, hold the connection until the fake closes. */
  record Hang() implements FakeVllmFault {}

  /** Send 200 headers and the first bytes of the body, then hold the connection. */
  record HangAfterHeaders() implements FakeVllmFault {}

  /** Close the connection without any response. */
  record Reset() implements FakeVllmFault {}

  /** 200 with a JSON body (or stream event) that does not parse. */
  record Malformed() implements FakeVllmFault {}

  /** End the body half-way: no finish_reason, no [DONE] (a cut JSON body when not streaming). */
  record Truncate() implements FakeVllmFault {}

  /** Stream one token, then {@code data: {"error":...}} and {@code [DONE]} (a 500 otherwise). */
  record ErrorMidStream() implements FakeVllmFault {}
}
