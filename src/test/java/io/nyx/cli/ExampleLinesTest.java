package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.export.Blend;
import io.nyx.export.ExportRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleLinesTest {
  @TempDir Path dir;

  private Path dataset(int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"messages\":[{\"role\":\"user\",\"content\":\"q"
              + i
              + "\"},{\"role\":\"assistant\",\"content\":\"a"
              + i
              + "\"}]}");
    }
    lines.add(""); // blank lines are skipped
    Path file = dir.resolve("outside.jsonl");
    Files.write(file, lines);
    return file;
  }

  private static Blend blend(Path file, ExportRequest.Kind kind) throws IOException {
    return Blend.of(file, ExampleLines.of(kind), 0.2, 0);
  }

  @Test
  void linesInTheExportsFormatPass() throws IOException {
    assertThat(blend(dataset(3), ExportRequest.Kind.SFT).count(12)).isEqualTo(3);
  }

  @Test
  void everyLineIsCheckedBeforeAnythingIsWritten() throws IOException {
    Path file = dataset(3);
    Files.writeString(
        file, "{\"messages\":[{\"role\":\"user\"}]}\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> blend(file, ExportRequest.Kind.SFT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside.jsonl:5")
        .hasMessageContaining("'messages'");
    Path sft = dataset(3);
    assertThatThrownBy(() -> blend(sft, ExportRequest.Kind.PREFERENCES))
        .hasMessageContaining(":1")
        .hasMessageContaining("'prompt'");
    Path trailing = dir.resolve("trailing.jsonl");
    Files.writeString(
        trailing, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]} {\"x\":1}\n");
    assertThatThrownBy(() -> blend(trailing, ExportRequest.Kind.SFT))
        .hasMessageContaining("trailing.jsonl:1")
        .hasMessageContaining("not one JSON value");
  }
}
