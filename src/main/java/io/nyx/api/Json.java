package io.nyx.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.pipeline.NyxException;
import io.nyx.text.JsonText;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's JSON: a tree parser (never binds to arbitrary classes) that rejects duplicate keys,
 * trailing garbage and non-standard JSON, and a writer.
 */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** A parser message that quotes the offending text, and how Nyx names that offence. */
  private record Offence(Pattern pattern, String label) {}

  private static final List<Offence> OFFENCES =
      List.of(
          new Offence(Pattern.compile("^Duplicate field '([^']*)'"), "duplicate key"),
          new Offence(
              Pattern.compile("^Unexpected character \\('(.{1,2})' \\(code"),
              "unexpected character"),
          new Offence(Pattern.compile("^Unrecognized token '([^']{0,40})"), "unexpected word"),
          new Offence(Pattern.compile("^Non-standard token '([^']*)'"), "non-standard number"));

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The body as a JSON object, or a 400 naming what is wrong with it. */
  static ObjectNode parseObject(byte[] body) {
    JsonNode node = parse(body);
    if (!(node instanceof ObjectNode obj)) {
      throw new NyxException.BadRequest("body", "expected a JSON object but got " + kind(node));
    }
    return obj;
  }

  /**
   * The body as JSON, or a 400 naming what is wrong with it. Every body goes through here, so this
   * is the one place that refuses text PostgreSQL cannot store (U+0000, unpaired surrogates) in any
   * string or key, naming its path: accepted, it would fail the row's insert after the answer.
   */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new NyxException.BadRequest("body", "request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new NyxException.BadRequest("body", "malformed JSON" + where(e) + ": " + what(e));
    }
    JsonText.defect(node)
        .ifPresent(
            f -> {
              throw new NyxException.BadRequest(
                  f.path().isEmpty() ? "body" : f.path(), f.describe());
            });
    return node;
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise response", e);
    }
  }

  static String kind(JsonNode node) {
    return node == null || node.isMissingNode()
        ? "nothing"
        : node.getNodeType().name().toLowerCase();
  }

  /**
   * What is wrong, in the client's terms: the parser's own message names its internals (token
   * types, feature names, "code 120"), so only the offending text is taken from it.
   */
  static String what(IOException e) {
    if (e instanceof JsonEOFException) {
      return "the body ends before the JSON value does";
    }
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    m = m == null ? "" : m;
    for (Offence o : OFFENCES) {
      Matcher found = o.pattern().matcher(m);
      if (found.find()) {
        return o.label() + " '" + found.group(1) + "'";
      }
    }
    if (m.startsWith("Trailing token")) {
      return "more content after the JSON value";
    }
    if (m.contains("UTF-8") || m.contains("UTF8")) {
      return "the body is not valid UTF-8";
    }
    return "not valid JSON";
  }

  private static String where(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      JsonLocation at = j.getLocation();
      return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
    return "";
  }
}
