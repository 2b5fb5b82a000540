package io.nyx.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks a PEFT LoRA adapter directory before vLLM is asked to load it, with vLLM's own load-time
 * rules (it reads {@code adapter_config.json}: {@code r}, {@code lora_alpha} and {@code
 * target_modules} are required; DoRA, a {@code bias} other than "none", {@code modules_to_save} and
 * a rank above {@code --max-lora-rank} are refused) plus what vLLM only finds out by serving
 * garbage: the adapter must have been trained on the served base model, and its target modules must
 * name layers a transformer has. Every problem is reported at once. Nyx must see the directory at
 * the same path as vLLM (a shared volume).
 */
public final class AdapterDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Linear layers LoRA targets in the model families vLLM serves (last name component). */
  static final Set<String> KNOWN_MODULES =
      Set.of(
          "q_proj",
          "k_proj",
          "v_proj",
          "o_proj",
          "qkv_proj",
          "gate_proj",
          "up_proj",
          "down_proj",
          "gate_up_proj",
          "out_proj",
          "query_key_value",
          "query",
          "key",
          "value",
          "dense",
          "dense_h_to_4h",
          "dense_4h_to_h",
          "c_attn",
          "c_proj",
          "c_fc",
          "fc1",
          "fc2",
          "w1",
          "w2",
          "w3",
          "wq",
          "wk",
          "wv",
          "wo",
          "Wqkv",
          "lm_head",
          "embed_tokens");

  private static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  private AdapterDirectory() {}

  /** What registration keeps of a directory that passed. */
  public record Checked(String baseModel, int rank) {}

  /** The directory would not load, or not on this base model; {@link #problems()} says why. */
  public static final class Unfit extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    Unfit(Path dir, List<String> problems) {
      super(dir + " is not a LoRA adapter vLLM can serve here: " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    /** Never null: the constructor builds it from the directory and its problems. */
    @Override
    public String getMessage() {
      return java.util.Objects.requireNonNull(super.getMessage(), "the constructor passes one");
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * @param servedBases the names and paths the server gives its base model ({@code id} and {@code
   *     root} of its {@code /v1/models} cards without a parent)
   * @param maxRank the server's {@code --max-lora-rank}
   */
  public static Checked check(Path dir, Collection<String> servedBases, int maxRank) throws Unfit {
    List<String> problems = new ArrayList<>();
    JsonNode config = config(dir, problems);
    if (config == null) {
      throw new Unfit(dir, problems);
    }
    for (String key : List.of("r", "lora_alpha", "target_modules")) {
      if (!config.hasNonNull(key)) {
        problems.add(
            "adapter_config.json lacks '"
                + key
                + "' (vLLM requires r, lora_alpha,"
                + " target_modules)");
      }
    }
    String peftType = config.path("peft_type").asText("LORA");
    if (!peftType.equalsIgnoreCase("LORA")) {
      problems.add("peft_type is '" + peftType + "'; only LORA adapters are served");
    }
    int rank = rank(config, maxRank, problems);
    features(config, problems);
    targets(config.path("target_modules"), problems);
    String base = config.path("base_model_name_or_path").asText("");
    if (!matchesBase(base, servedBases)) {
      problems.add(
          "base_model_name_or_path is '"
              + base
              + "' but the server's base model is "
              + servedBases
              + " (an adapter only works on the model it was trained on)");
    }
    if (!Files.isRegularFile(dir.resolve("adapter_model.safetensors"))
        && !Files.isRegularFile(dir.resolve("adapter_model.bin"))) {
      problems.add("no adapter_model.safetensors (or adapter_model.bin) next to it");
    }
    if (!problems.isEmpty()) {
      throw new Unfit(dir, problems);
    }
    return new Checked(base, rank);
  }

  private static @Nullable JsonNode config(Path dir, List<String> problems) {
    if (!dir.isAbsolute()) {
      problems.add("the path must be absolute, as the model server sees it");
      return null;
    }
    Path file = dir.resolve("adapter_config.json");
    if (!Files.isRegularFile(file)) {
      problems.add(
          Files.isDirectory(dir)
              ? "no adapter_config.json in it (PEFT's save_pretrained writes one)"
              : "no such directory here (Nyx checks it before vLLM loads it: mount the adapters"
                  + " at the same path for both)");
      return null;
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        problems.add("adapter_config.json is not a JSON object");
        return null;
      }
      return node;
    } catch (IOException e) {
      problems.add("adapter_config.json cannot be read: " + e.getMessage());
      return null;
    }
  }

  /** {@code r}, and the largest of {@code rank_pattern} (newer vLLM checks those too). */
  private static int rank(JsonNode config, int maxRank, List<String> problems) {
    JsonNode r = config.path("r");
    if (!r.isMissingNode() && !r.isNull() && !(r.isIntegralNumber() && r.asInt() > 0)) {
      problems.add("r must be a positive integer but is " + r);
      return 0;
    }
    int rank = r.asInt(0);
    int largest = rank;
    for (JsonNode v : config.path("rank_pattern")) {
      largest = Math.max(largest, v.asInt(0));
    }
    if (largest > maxRank) {
      problems.add(
          "rank "
              + largest
              + " is above the server's limit "
              + maxRank
              + " (adapters.max_rank, vLLM's --max-lora-rank)");
    }
    return rank;
  }

  /** Features vLLM refuses at load time. */
  private static void features(JsonNode config, List<String> problems) {
    if (config.path("use_dora").asBoolean(false)) {
      problems.add("use_dora is true; vLLM does not serve DoRA adapters");
    }
    String bias = config.path("bias").asText("none");
    if (!bias.equals("none")) {
      problems.add("bias is '" + bias + "'; vLLM serves only bias \"none\"");
    }
    JsonNode save = config.path("modules_to_save");
    if (save.isArray() && !save.isEmpty()) {
      problems.add("modules_to_save is " + save + "; vLLM refuses adapters that replace modules");
    }
  }

  /**
   * A list of module names (or the regular expression PEFT also allows), at least one of which is a
   * linear layer Nyx knows; "all-linear" means the config was written by hand, not saved.
   */
  private static void targets(JsonNode modules, List<String> problems) {
    if (modules.isMissingNode() || modules.isNull()) {
      return; // reported as missing already
    }
    if (modules.isTextual()) {
      String regex = modules.asText();
      if (regex.equals("all-linear") || KNOWN_MODULES.stream().noneMatch(regex::contains)) {
        problems.add("target_modules '" + regex + "' names no known layer (" + sample() + ")");
      }
      return;
    }
    List<String> names = new ArrayList<>();
    modules.forEach(m -> names.add(m.asText("")));
    boolean wellFormed = modules.isArray() && names.stream().allMatch(MODULE.asPredicate());
    boolean known = names.stream().anyMatch(n -> KNOWN_MODULES.contains(lastPart(n)));
    if (names.isEmpty() || !wellFormed || !known) {
      problems.add(
          "target_modules "
              + modules
              + " are not plausible: expected module names such as "
              + sample());
    }
  }

  private static String lastPart(String module) {
    return module.substring(module.lastIndexOf('.') + 1);
  }

  private static String sample() {
    return "q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj";
  }

  /**
   * The adapter's base names one of the server's (id or path), or the same model directory: vLLM's
   * {@code --model /models/Qwen2.5-7B-Instruct} serves an adapter trained on {@code
   * Qwen/Qwen2.5-7B-Instruct}.
   */
  static boolean matchesBase(String base, Collection<String> served) {
    if (base.isBlank()) {
      return false;
    }
    String last = lastSegment(base);
    return served.stream().anyMatch(s -> s.equals(base) || lastSegment(s).equals(last));
  }

  private static String lastSegment(String name) {
    String s = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    return s.substring(s.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
  }
}
