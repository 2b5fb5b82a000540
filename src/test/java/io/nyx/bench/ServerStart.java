package io.nyx.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.persistence.Database;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real server ({@link Nyx#start}: MiniLM loaded, PostgreSQL migrated, index restored, HTTP
 * listening) on the database {@link MemoryStartupBench} filled:
 *
 * <ol>
 *   <li>warm: with the snapshot the bench left (relabelled as MiniLM's, whose dimension it shares,
 *       so the server accepts it): time until {@code start} returns and {@code /ready} says the
 *       index is up to date;
 *   <li>cold: without a snapshot: time until {@code start} returns (it stops waiting after {@code
 *       Memories.START_WAIT}), what {@code /ready} says while the index builds, a search served
 *       meanwhile, and how long {@code close} takes to stop the build.
 * </ol>
 */
final class ServerStart {
  private ServerStart() {}

  static void run(Path work) throws Exception {
    Path nyxDir = work.resolve("nyx");
    Path index = nyxDir.resolve("memory-index");
    try (Database db = Database.embedded(work);
        FakeVllm vllm = FakeVllm.start("Qwen/Qwen2.5-7B-Instruct", NyxFixture.ADAPTERS)) {
      Map<String, String> flags = new HashMap<>();
      flags.put("port", "0");
      flags.put("llm-url", vllm.baseUrl());
      flags.put("data-dir", nyxDir.toString());
      // the superuser's password, as Database.embedded keeps it (a bench: in-process, no ps)
      String password = Files.readString(work.resolve("db-owner-password")).strip();
      flags.put("db-url", db.jdbcUrl() + "?user=postgres&password=" + password);
      if (Files.isDirectory(work.resolve("memory-index"))) {
        TestDatabase.deleteRecursively(index);
        Files.createDirectories(nyxDir);
        Files.move(work.resolve("memory-index"), index);
        relabel(index);
      }
      once("warm (snapshot, 0 rows added)", flags, false);
      once("again warm (exemplar cache now filled)", flags, false);
      TestDatabase.deleteRecursively(index);
      once("cold (no snapshot)", flags, true);
    }
  }

  private static void relabel(Path index) {
    try (HnswIndex hnsw = HnswIndex.open(index, MemoryStartupBench.DIM, 100)) {
      Map<String, String> data = new HashMap<>(hnsw.commitData());
      data.put("model", MiniLmEmbedder.MODEL_ID);
      hnsw.commit(data);
    }
  }

  private static void once(String label, Map<String, String> flags, boolean cold) {
    long t0 = System.nanoTime();
    Nyx nyx = Nyx.start(ConfigLoader.load(flags, Map.of()));
    double startS = seconds(t0);
    HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
    JsonNode memory = http.get("/ready").json().at("/checks/memory_index");
    System.out.printf(
        "server %-40s start returned in %6.2f s; /ready memory_index ok=%s (%s)%n",
        label, startS, memory.get("ok").asBoolean(), memory.get("detail").asText());
    long s0 = System.nanoTime();
    int status =
        http.get(
                "/memory/search?k=5&q="
                    + URLEncoder.encode("what did I plant in the garden", StandardCharsets.UTF_8))
            .status();
    System.out.printf(
        "server %-40s GET /memory/search -> %d in %.0f ms (embedding the query included)%n",
        label, status, seconds(s0) * 1000);
    if (cold) {
      sleep(20_000);
      memory = http.get("/ready").json().at("/checks/memory_index");
      System.out.printf(
          "server %-40s 20 s later: ok=%s (%s)%n",
          label, memory.get("ok").asBoolean(), memory.get("detail").asText());
    }
    long c0 = System.nanoTime();
    nyx.close();
    System.out.printf("server %-40s close took %.2f s%n", label, seconds(c0));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
