package io.nyx.context;

/** One piece of context that reached a prompt. Each kind renders itself as labelled data. */
public sealed interface ContextItem {

  /** The kind, as written in the prompt and the stored row: memory, fact, time, guidance. */
  String kind();

  /** The text shown to the model inside the context block. */
  String render();

  /** A recalled memory and its similarity to the query. */
  record MemoryItem(long id, String text, double score) implements ContextItem {
    @Override
    public String kind() {
      return "memory";
    }

    @Override
    public String render() {
      return "[memory " + id + "] " + text;
    }
  }

  /** A fact from the database, cited by id. */
  record FactItem(long id, String statement, String source) implements ContextItem {
    @Override
    public String kind() {
      return "fact";
    }

    @Override
    public String render() {
      return "[fact "
          + id
          + "] "
          + statement
          + (source.isBlank() ? "" : " (source: " + source + ")");
    }
  }

  /** The current time, for Kairos. */
  record TimeItem(String text) implements ContextItem {
    @Override
    public String kind() {
      return "time";
    }

    @Override
    public String render() {
      return text;
    }
  }

  /** Care and safety guidance, for Eleos. */
  record GuidanceItem(String text) implements ContextItem {
    @Override
    public String kind() {
      return "guidance";
    }

    @Override
    public String render() {
      return text;
    }
  }
}
