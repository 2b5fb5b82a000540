package io.nyx.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Embedders;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.context.MemoryImport;
import io.nyx.context.NewMemory;
import io.nyx.memory.Chunker;
import io.nyx.memory.Embedder;
import io.nyx.memory.Owner;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcMemoryStore;
import io.nyx.text.JsonText;
import io.nyx.text.StorableText;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx memory import FILE}: chunks a .jsonl, .md or .txt file into memories and stores them,
 * skipping chunks already stored (so an interrupted import resumes by running it again).
 */
final class MemoryCommand implements Command {
  static final Set<String> VALUED =
      Set.of(
          "db-url", "data-dir", "config", "source", "session-id", "tenant", "chunk-chars", "batch");
  static final int DEFAULT_CHUNK_CHARS = 1_000;
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx memory import FILE.jsonl|FILE.md|FILE.txt [options]

          .jsonl: one {"text", "metadata"?, "session_id"?, "source"?} per line; .md/.txt: paragraphs.
          Long texts are chunked (paragraphs, then sentences); a chunk already stored is skipped,
          so re-running an interrupted import continues where it stopped.

          --source S        source of the memories (default import:<file name>)
          --session-id ID   session the memories belong to (default none)
          --tenant T        tenant the memories belong to (default local: a keyless server's)
          --shared          recall them for every tenant, not only their own
          --chunk-chars N   largest chunk in characters (default 1000)
          --batch N         chunks embedded and stored per batch (default 64)
          --db-url URL      external PostgreSQL (env NYX_DB_URL; default: the embedded one, shared with
                            a 'nyx serve' running on the same data dir)
          --data-dir DIR    data directory of the embedded database (env NYX_DATA_DIR)
          --config FILE     YAML configuration (env NYX_CONFIG), for the embedding settings
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, VALUED, Set.of("shared"));
    if (args.positionals().size() != 2 || !args.positionals().getFirst().equals("import")) {
      throw new UsageException("expected: memory import FILE");
    }
    Path file = Path.of(args.positionals().get(1));
    int chunkChars = positive(args, "chunk-chars", DEFAULT_CHUNK_CHARS);
    int batch = positive(args, "batch", 64);
    String source = args.flags().getOrDefault("source", "import:" + file.getFileName());
    String tenant = args.flags().getOrDefault("tenant", Owner.LOCAL);
    if (!Owner.TENANT.matcher(tenant).matches()) {
      throw new UsageException(
          "--tenant must match " + Owner.TENANT.pattern() + " but was '" + tenant + "'");
    }
    Owner owner = new Owner(tenant, args.flags().get("session-id"), args.has("shared"));
    List<NewMemory> memories = read(file, new Chunker(chunkChars), source, owner);
    NyxConfig config = ConfigLoader.load(DatabaseFlags.of(args), env);
    try (Database db = DatabaseFlags.open(config, "memory", err);
        Embedder embedder = Embedders.create(config.embedding())) {
      ProgressBar bar = new ProgressBar(err, "chunks");
      MemoryImport.Progress p =
          new MemoryImport(new JdbcMemoryStore(db.dataSource()), embedder, batch)
              .run(memories, q -> bar.show(q.done(), q.total(), "(" + q.stored() + " new)"));
      bar.done();
      out.printf(
          "imported %s: %d chunks, %d stored, %d already present%n",
          file, p.total(), p.stored(), p.skipped());
    }
    return 0;
  }

  static int positive(Args args, String flag, int fallback) {
    String v = args.flags().get(flag);
    try {
      int n = v == null ? fallback : Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + flag + " must be a positive integer but was " + v);
  }

  private static List<NewMemory> read(Path file, Chunker chunker, String source, Owner owner) {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".jsonl")) {
        return jsonl(Files.readAllLines(file, StandardCharsets.UTF_8), chunker, source, owner);
      }
      if (name.endsWith(".md") || name.endsWith(".txt")) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        requireStorable(text);
        return chunks(text, Map.of(), chunker, source, owner);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    throw new UsageException("FILE must end in .jsonl, .md or .txt: " + file);
  }

  private static List<NewMemory> jsonl(
      List<String> lines, Chunker chunker, String source, Owner owner) {
    List<NewMemory> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode n = line(lines.get(i), i + 1);
      Map<String, Object> metadata =
          n.path("metadata").isObject() ? JSON.convertValue(n.get("metadata"), MAP) : Map.of();
      metadata.values().removeIf(v -> v == null);
      out.addAll(
          chunks(
              n.get("text").asText(),
              metadata,
              chunker,
              n.path("source").isTextual() ? n.get("source").asText() : source,
              n.path("session_id").isTextual()
                  ? new Owner(owner.tenant(), n.get("session_id").asText(), owner.shared())
                  : owner));
    }
    return out;
  }

  /**
   * Refuses a text file holding U+0000 or an unpaired surrogate, naming the line, before anything
   * is stored: PostgreSQL cannot store such text.
   */
  private static void requireStorable(String text) {
    StorableText.defect(text)
        .ifPresent(
            d -> {
              int line =
                  1 + (int) text.substring(0, d.index()).chars().filter(c -> c == '\n').count();
              int at = d.index() - (text.lastIndexOf('\n', d.index() - 1) + 1);
              throw new IllegalArgumentException(
                  "line " + line + ": " + new StorableText.Defect(at, d.unit()).describe());
            });
  }

  private static JsonNode line(String line, int number) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n != null && n.path("text").isTextual() && !n.get("text").asText().isBlank()) {
        JsonText.defect(n)
            .ifPresent(
                f -> {
                  throw new IllegalArgumentException("line " + number + ": " + f.describe());
                });
        return n;
      }
    } catch (IOException e) {
      // reported below with the line number
    }
    throw new IllegalArgumentException(
        "line " + number + ": expected a JSON object with a non-empty \"text\" string");
  }

  private static List<NewMemory> chunks(
      String text, Map<String, Object> metadata, Chunker chunker, String source, Owner owner) {
    return chunker.chunks(text).stream()
        .map(c -> new NewMemory(c, metadata, source, owner))
        .toList();
  }
}
