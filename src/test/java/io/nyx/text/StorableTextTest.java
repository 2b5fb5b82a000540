package io.nyx.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StorableTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void findsNulAndUnpairedSurrogatesButNotPairs() {
    assertThat(StorableText.defect("plain text, 😀 and é")).isEmpty();
    assertThat(StorableText.defect("abc\u0000def")).contains(new StorableText.Defect(3, '\u0000'));
    assertThat(StorableText.defect("ab\uD800")).contains(new StorableText.Defect(2, '\uD800'));
    assertThat(StorableText.defect("\uDE00x")).contains(new StorableText.Defect(0, '\uDE00'));
    assertThat(StorableText.defect("\uD83D\uD83D\uDE00"))
        .contains(new StorableText.Defect(0, '\uD83D'));
    assertThat(new StorableText.Defect(3, '\uD800').describe())
        .isEqualTo("contains an unpaired surrogate U+D800 at char 3, which cannot be stored");
  }

  @Test
  void cleanReplacesEachBadUnitWithTheReplacementCharacterAndKeepsPairs() {
    String s = "a\u0000b\uD800c\uD83D\uDE00d\uDC00";
    assertThat(StorableText.clean(s)).isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00d\uFFFD");
    String clean = "nothing to do 😀";
    assertThat(StorableText.clean(clean)).isSameAs(clean);
  }

  @Test
  void jsonTreesAreCheckedAndCleanedInValuesAndKeysAtAnyDepth() throws Exception {
    JsonNode tree =
        JSON.readTree("{\"a\":[1,{\"b\":\"ok\"},{\"c\\u0000\":\"x\"}],\"d\":\"y\\ud800\"}");
    assertThat(JsonText.defect(tree))
        .hasValueSatisfying(
            f -> {
              assertThat(f.path()).isEqualTo("a[2].c\\u0000");
              assertThat(f.key()).isTrue();
            });
    JsonNode cleaned = JsonText.clean(tree);
    assertThat(cleaned.toString())
        .isEqualTo("{\"a\":[1,{\"b\":\"ok\"},{\"c\uFFFD\":\"x\"}],\"d\":\"y\uFFFD\"}");
    assertThat(JsonText.defect(cleaned)).isEmpty();
    assertThat(JsonText.defect(JSON.readTree("[{\"text\":\"fine\"},{\"text\":\"\\u0000\"}]")))
        .hasValueSatisfying(f -> assertThat(f.describe()).startsWith("'[1].text' contains U+0000"));
  }
}
