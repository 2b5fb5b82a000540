package io.nyx.backend;

import java.util.Map;

/**
 * A JSON schema for structured output; {@code schema} is a JSON-serialisable tree of maps/lists.
 */
public record JsonSchemaFormat(String name, Map<String, Object> schema) {}
