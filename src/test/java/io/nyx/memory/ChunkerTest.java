package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  @Test
  void smallParagraphsAreJoinedUpToTheLimit() {
    List<String> chunks =
        new Chunker(40).chunks("One two.\n\nThree four.\n\n\nFive six seven eight nine ten.");
    assertThat(chunks).containsExactly("One two.\n\nThree four.", "Five six seven eight nine ten.");
  }

  @Test
  void longParagraphsSplitBetweenSentencesThenWords() {
    String para = "First sentence is here. Second one follows it. " + "word ".repeat(30);
    List<String> chunks = new Chunker(50).chunks(para);
    assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(50));
    assertThat(chunks.getFirst()).isEqualTo("First sentence is here. Second one follows it.");
    assertThat(String.join(" ", chunks).replace("\n\n", " ")).isEqualTo(para.strip());
  }

  @Test
  void markdownHeadingsStartAParagraphAndHugeWordsAreCut() {
    List<String> chunks = new Chunker(20).chunks("intro text\n# Title body\n" + "x".repeat(45));
    assertThat(chunks.subList(0, 2)).containsExactly("intro text", "# Title body");
    assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(20));
    assertThat(chunks).contains("x".repeat(20));
  }
}
