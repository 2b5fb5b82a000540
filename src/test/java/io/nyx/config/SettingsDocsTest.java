package io.nyx.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code nyx.example.yaml} and the settings tables in the docs from drifting away from the
 * loader: the example must hold every key {@link ConfigLoader} accepts (and no other), each with
 * the default the code uses and a one-line comment; the table in {@code docs/operations.md} and the
 * flag table in {@code README.md} are generated from it. On a mismatch the failure prints the text
 * that belongs there; run with {@code -Dnyx.docs.write=true} to write it in place.
 */
class SettingsDocsTest {
  static final Path EXAMPLE = Path.of("nyx.example.yaml");
  static final Path OPERATIONS = Path.of("docs/operations.md");
  static final Path README = Path.of("README.md");
  static final String BEGIN =
      "<!-- settings table: generated from nyx.example.yaml by SettingsDocsTest -->";
  static final String END = "<!-- end of settings table -->";
  static final String FLAGS_BEGIN =
      "<!-- flag table: generated from nyx.example.yaml by SettingsDocsTest -->";
  static final String FLAGS_END = "<!-- end of flag table -->";

  /** {@code key: value # comment} at the top level or one level in. */
  private static final Pattern LEAF = Pattern.compile("^( {2})?([a-z_]+):(?: +(\\S.*?))? +# (.+)$");

  private static final Pattern SECTION = Pattern.compile("^([a-z_]+):\\s*$");

  /** One setting as the example file shows it. */
  record Setting(String key, String value, String comment) {}

  @Test
  void theExampleHoldsEveryDefaultOfTheCode() {
    Map<String, String> env = Map.of("HOME", "/home/someone");
    NyxConfig defaults = ConfigLoader.load(Map.of(), env);
    NyxConfig example = ConfigLoader.load(Map.of("config", EXAMPLE.toString()), env);
    assertThat(example).isEqualTo(defaults);
  }

  @Test
  void theExampleHoldsEveryKeyTheLoaderAcceptsAndNoOther() throws IOException {
    Set<String> accepted = new TreeSet<>();
    Set<String> inLists = new TreeSet<>();
    ConfigLoader.KEYS.forEach(
        (section, keys) -> {
          for (String key : keys) {
            if (section.contains("[]")) {
              inLists.add(key);
            } else if (!(section.isEmpty() && isSection(key))) {
              accepted.add(section.isEmpty() ? key : section + "." + key);
            }
          }
        });
    Set<String> shown = new TreeSet<>();
    settings().forEach(s -> shown.add(s.key()));
    Set<String> missing = new TreeSet<>(accepted);
    missing.removeAll(shown);
    Set<String> unknown = new TreeSet<>(shown);
    unknown.removeAll(accepted);
    assertThat(missing).as("settings the loader accepts but " + EXAMPLE + " lacks").isEmpty();
    assertThat(unknown).as("settings in " + EXAMPLE + " the loader does not accept").isEmpty();

    // list entries (an API key, a specialist) are shown as commented examples
    String comments =
        String.join("\n", lines().stream().filter(l -> l.stripLeading().startsWith("#")).toList());
    for (String key : inLists) {
      assertThat(comments)
          .as("a commented example shows " + key)
          .containsPattern("\\b" + key + ":");
    }
  }

  @Test
  void everyFlagAndVariableIsNamedInItsSettingsComment() throws IOException {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    settings().forEach(s -> byKey.put(s.key(), s));
    for (ConfigLoader.Override o : ConfigLoader.OVERRIDES) {
      assertThat(byKey.get(o.path()).comment())
          .as(o.path())
          .contains("--" + o.flag())
          .contains(o.env());
    }
  }

  @Test
  void theDocsShowTheTablesGeneratedFromTheExample() throws IOException {
    List<Setting> settings = settings();
    String problems =
        check(OPERATIONS, BEGIN, END, table(settings))
            + check(README, FLAGS_BEGIN, FLAGS_END, flagTable(settings));
    assertThat(problems).as("generated tables").isEmpty();
  }

  /** The full table: every setting, its default and its comment. */
  static String table(List<Setting> settings) {
    StringBuilder t = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
    for (Setting s : settings) {
      t.append("| `")
          .append(s.key())
          .append("` | `")
          .append(s.value())
          .append("` | ")
          .append(s.comment().replace("|", "\\|"))
          .append(" |\n");
    }
    return t.toString();
  }

  /** The settings a flag or variable sets, for the README. */
  static String flagTable(List<Setting> settings) {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    settings.forEach(s -> byKey.put(s.key(), s));
    StringBuilder t =
        new StringBuilder("| flag | environment | setting | default |\n|---|---|---|---|\n");
    for (ConfigLoader.Override o : ConfigLoader.OVERRIDES) {
      t.append("| `--")
          .append(o.flag())
          .append("` | `")
          .append(o.env())
          .append("` | `")
          .append(o.path())
          .append("` | `")
          .append(byKey.get(o.path()).value())
          .append("` |\n");
    }
    t.append("| `--config` | `NYX_CONFIG` | the YAML file | none |\n");
    return t.toString();
  }

  /** "" when {@code file} holds {@code table} between the markers, else what to put there. */
  private static String check(Path file, String begin, String end, String table)
      throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      return file + " lacks the markers " + begin + " ... " + end + "\n";
    }
    String wanted = text.substring(0, from + begin.length()) + "\n" + table + text.substring(to);
    if (wanted.equals(text)) {
      return "";
    }
    if (Boolean.getBoolean("nyx.docs.write")) {
      Files.writeString(file, wanted, StandardCharsets.UTF_8);
      return "";
    }
    return file
        + " differs from the table generated from "
        + EXAMPLE
        + " (rerun with -Dnyx.docs.write=true to write it); between the markers it should read:\n"
        + table;
  }

  private static boolean isSection(String key) {
    return ConfigLoader.KEYS.containsKey(key);
  }

  static List<String> lines() throws IOException {
    return Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8);
  }

  /** The example's settings in file order, each with its full key, literal value and comment. */
  static List<Setting> settings() throws IOException {
    List<Setting> settings = new ArrayList<>();
    String section = "";
    for (String line : lines()) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      Matcher header = SECTION.matcher(line);
      if (header.matches()) {
        section = header.group(1);
        continue;
      }
      Matcher leaf = LEAF.matcher(line);
      assertThat(leaf.matches()).as("a setting with a one-line comment: " + line).isTrue();
      boolean nested = leaf.group(1) != null;
      if (!nested) {
        section = "";
      }
      String key = nested ? section + "." + leaf.group(2) : leaf.group(2);
      settings.add(new Setting(key, leaf.group(3), leaf.group(4).strip()));
    }
    return settings;
  }
}
