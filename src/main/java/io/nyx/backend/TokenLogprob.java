package io.nyx.backend;

/** One generated token and its log-probability (natural log, clamped by vLLM to >= -9999). */
public record TokenLogprob(String token, double logprob) {}
