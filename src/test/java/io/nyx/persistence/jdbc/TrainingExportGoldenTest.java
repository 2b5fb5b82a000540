package io.nyx.persistence.jdbc;

import static io.nyx.testing.ExportRows.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nyx.export.ExportFile;
import io.nyx.export.ExportRequest;
import io.nyx.export.ExportSettings;
import io.nyx.export.Format;
import io.nyx.export.Report;
import io.nyx.export.Split;
import io.nyx.memory.Embedder;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.memory.VectorMath;
import io.nyx.persistence.Database;
import io.nyx.testing.ExportRows;
import io.nyx.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Golden tests of every export format: fixed rows in PostgreSQL (a fallback answer, a failure, an
 * empty answer, an exact and a near duplicate, secrets and personal data, corrections of an answer
 * and of a failure, a base-model answer, the adapter versions of the rows' {@code adapter_version}
 * column, V70) exported through the real SQL, scrubbing, MiniLM embeddings and format, compared
 * byte for byte with {@code src/test/resources/io/nyx/export/golden/}. Each file was read line by
 * line when it was made; run with {@code -Dnyx.golden.update=true} to rewrite them after an
 * intended change, then read the diff.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingExportGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/nyx/export/golden");
  static final boolean UPDATE = Boolean.getBoolean("nyx.golden.update");
  static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant EXPORTED_AT = Instant.parse("2026-11-30T12:00:00Z");
  static final String BASE = "Qwen/Qwen2.5-7B-Instruct";

  static final String DENTIST = "When is my dentist appointment?";
  static final String DENTIST_AGAIN = "When's my dentist appointment?";
  static final String WALL = "Is the Great Wall of China visible from space?";
  static final String QUIT =
      "My card is 4111 1111 1111 1111 and my key sk-live0123456789abcdefXYZ; what happens if I"
          + " quit my job?";

  Database db;
  Embedder embedder;

  @BeforeAll
  void rows() throws Exception {
    db = TestDatabase.asOwner(TestDatabase.createEmpty());
    embedder = new MiniLmEmbedder();
    // id, minute, specialist, adapter, version, question, status, answer, reward, fallback?,
    // session
    row(
        1,
        0,
        "kairos",
        3,
        DENTIST,
        "ok",
        "Tuesday at 3 pm with Dr. Lee; she mails ann.lee@example.com first.",
        0.9,
        false,
        null);
    row(2, 1, "kairos", 3, DENTIST, "ok", "I don't know.", -0.6, false, null);
    row(3, 2, "kairos", 3, DENTIST_AGAIN, "ok", "Tuesday, 3 pm.", 0.8, false, null);
    row(
        4,
        3,
        "aletheia",
        null,
        WALL,
        "ok",
        "Not with the naked eye: it is long but narrow.",
        0.7,
        false,
        "s-wall");
    row(5, 4, "aletheia", null, WALL, "ok", "Yes, easily.", -0.5, false, null);
    row(
        6,
        5,
        "moira",
        1,
        QUIT,
        "ok",
        "Never share keys. Call the hotline at +1 555 123 4567 first.",
        0.6,
        false,
        null);
    row(
        7,
        6,
        "eleos",
        null,
        "I feel low today.",
        "ok",
        "The base model's answer.",
        0.9,
        true,
        null);
    row(
        8,
        7,
        "kairos",
        3,
        "Move my meeting with Sam to Friday.",
        "backend_error",
        null,
        -1,
        false,
        null);
    row(9, 8, "moira", 1, "Answer with nothing at all.", "ok", "", 0, false, null);
    row(
        10,
        9,
        "mnemosyne",
        2,
        "What did I tell you about my sister?",
        "ok",
        "That she lives in Oslo.",
        0.2,
        false,
        null);
    row(
        11,
        10,
        "mnemosyne",
        2,
        "When is my sister's birthday?",
        "ok",
        "I have no idea.",
        -0.8,
        false,
        null);
    row(
        12,
        11,
        "aletheia",
        null,
        WALL,
        "ok",
        "Not with the naked eye: it is long but narrow.",
        0.7,
        false,
        "s-wall");
    row(13, 12, null, null, "What is 2 + 2?", "ok", "4", 0.95, false, null);
    row(
        14,
        13,
        "kairos",
        3,
        "How long until noon?",
        "ok",
        "Two hours.",
        0.9,
        false,
        null,
        Instant.parse("2026-10-15T00:00:00Z"));
    correction(5, 20, "No: it is far too narrow to see unaided from orbit.");
    correction(8, 21, "Done: your meeting with Sam is now on Friday at 10.");
  }

  @AfterAll
  void close() {
    db.close();
    embedder.close();
  }

  @Test
  void theFixtureHoldsOneNearDuplicateAndNoOther() {
    // What the near-duplicate lines below rest on, checked rather than assumed.
    assertThat(cosine(DENTIST, DENTIST_AGAIN)).isGreaterThanOrEqualTo(0.95);
    assertThat(cosine(DENTIST, "Move my meeting with Sam to Friday.")).isLessThan(0.8);
    assertThat(cosine("What did I tell you about my sister?", "When is my sister's birthday?"))
        .isLessThan(0.95);
  }

  @Test
  void sftTrl() throws IOException {
    golden("sft.trl.jsonl", lines(request(ExportRequest.Kind.SFT, Format.TRL)));
  }

  @Test
  void sftOpenAi() throws IOException {
    golden("sft.openai.jsonl", lines(request(ExportRequest.Kind.SFT, Format.OPENAI)));
  }

  @Test
  void preferencesTrl() throws IOException {
    golden("preferences.trl.jsonl", lines(request(ExportRequest.Kind.PREFERENCES, Format.TRL)));
  }

  @Test
  void preferencesOpenAi() throws IOException {
    golden(
        "preferences.openai.jsonl", lines(request(ExportRequest.Kind.PREFERENCES, Format.OPENAI)));
  }

  @Test
  void ktoTrl() throws IOException {
    golden("kto.trl.jsonl", lines(request(ExportRequest.Kind.KTO, Format.TRL)));
  }

  @Test
  void manifestsSayWhatWasWrittenLeftOutAndScrubbed() throws IOException {
    for (ExportRequest.Kind kind : ExportRequest.Kind.values()) {
      ExportRequest r = request(kind, Format.TRL).withValidation(0.5, 7);
      Map<Split, ByteArrayOutputStream> parts = new EnumMap<>(Split.class);
      Report report =
          export()
              .export(r, split -> parts.computeIfAbsent(split, s -> new ByteArrayOutputStream()));
      List<ExportFile> files = new ArrayList<>();
      for (Map.Entry<Split, ByteArrayOutputStream> e : parts.entrySet()) {
        byte[] bytes = e.getValue().toByteArray();
        files.add(
            new ExportFile(
                e.getKey(),
                kind.label() + (e.getKey() == Split.TRAIN ? ".jsonl" : ".val.jsonl"),
                report.lines().get(e.getKey()),
                sha256(bytes)));
      }
      String manifest =
          new ObjectMapper()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(report.manifest(files, null, EXPORTED_AT))
              + "\n";
      golden(kind.label() + ".manifest.json", manifest);
    }
  }

  private ExportRequest request(ExportRequest.Kind kind, Format format) {
    return new ExportRequest(
        kind,
        format,
        null,
        SINCE,
        ExportRequest.DEFAULT_MIN_REWARD,
        ExportRequest.DEFAULT_MIN_GAP,
        ExportRequest.DEFAULT_MAX_REWARD,
        null,
        0,
        0);
  }

  private JdbcTrainingExport export() {
    return new JdbcTrainingExport(db.dataSource(), ExportSettings.DEFAULT, embedder, BASE);
  }

  private String lines(ExportRequest r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    export().write(r, () -> out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static void golden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (UPDATE) {
      Files.writeString(file, actual);
    }
    assertThat(actual).as(name).isEqualTo(Files.readString(file));
  }

  private double cosine(String a, String b) {
    return VectorMath.dot(embedder.embed(a), embedder.embed(b));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void row(
      int n,
      int minute,
      String specialist,
      Integer version,
      String question,
      String status,
      String answer,
      double reward,
      boolean fallback,
      String session)
      throws Exception {
    row(n, minute, specialist, version, question, status, answer, reward, fallback, session, null);
  }

  private void row(
      int n,
      int minute,
      String specialist,
      Integer version,
      String question,
      String status,
      String answer,
      double reward,
      boolean fallback,
      String session,
      Instant at)
      throws Exception {
    String adapter = specialist == null || fallback ? BASE : specialist + "-adapter";
    String system =
        specialist == null
            ? "You are a helpful assistant."
            : "You are " + specialist + ". Context: Ann, Europe/Berlin.";
    ObjectMapper json = new ObjectMapper();
    String messages =
        json.writeValueAsString(
            List.of(
                Map.of("role", "system", "content", system),
                Map.of("role", "user", "content", question)));
    String route =
        fallback
            ? "{\"method\":\"semantic\",\"fallback\":\"circuit_open\"}"
            : "{\"method\":\"semantic\"}";
    ExportRows.insert(
        db.dataSource(),
        new ExportRows.Row(
            id(n),
            at != null ? at : T0.plusSeconds(60L * minute),
            session,
            question,
            specialist,
            adapter,
            version,
            route,
            messages,
            answer,
            reward,
            status));
  }

  private void correction(int row, int minute, String text) throws SQLException {
    ExportRows.correction(
        db.dataSource(), id(100 + row), id(row), T0.plusSeconds(60L * minute), text);
  }
}
