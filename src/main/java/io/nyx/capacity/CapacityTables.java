package io.nyx.capacity;

import io.nyx.settings.SettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables {@code nyx plan} looks names up in: models, GPU types and prices, shipped as CSV next
 * to this class ({@code models.csv}, {@code gpus.csv}, {@code prices.csv}; lines starting with
 * {@code #} are comments, the first other line is the header, fields hold no commas). The prices
 * can be replaced by a file of the same columns. Immutable.
 */
public final class CapacityTables {
  static final String MODEL_COLUMNS =
      "name,hf_id,params,layers,hidden,heads,kv_heads,head_dim,intermediate,vocab,experts,"
          + "tied_embeddings,max_context,license,config";
  static final String GPU_COLUMNS = "name,memory_gib,source";
  static final String PRICE_COLUMNS = "gpu,usd_per_gpu_hour,as_of,source";

  /** {@code 2xRTX3090} or, for a GPU the table lacks, {@code 2x48GiB}. */
  private static final Pattern POOL =
      Pattern.compile("(\\d{1,3})x(\\S+)", Pattern.CASE_INSENSITIVE);

  private static final Pattern MEMORY =
      Pattern.compile("(\\d+(\\.\\d+)?)GiB", Pattern.CASE_INSENSITIVE);

  private final Map<String, ModelSpec> models;
  private final Map<String, GpuType> gpus;
  private final Map<String, GpuPrice> prices;

  private CapacityTables(
      Map<String, ModelSpec> models, Map<String, GpuType> gpus, Map<String, GpuPrice> prices) {
    this.models = models;
    this.gpus = gpus;
    this.prices = prices;
  }

  /** The tables shipped with Nyx. */
  public static CapacityTables shipped() {
    return new CapacityTables(
        index(
            parse(resource("models.csv"), "models.csv", MODEL_COLUMNS, CapacityTables::model),
            ModelSpec::name),
        index(
            parse(resource("gpus.csv"), "gpus.csv", GPU_COLUMNS, CapacityTables::gpu),
            GpuType::name),
        prices(resource("prices.csv"), "prices.csv"));
  }

  /** These tables with the prices replaced by a CSV text ({@code origin} names it in errors). */
  public CapacityTables withPrices(String csv, String origin) {
    return new CapacityTables(models, gpus, prices(csv, origin));
  }

  public List<ModelSpec> models() {
    return List.copyOf(models.values());
  }

  /**
   * @param name a table name ({@code llama-3.1-70b}) or Hugging Face id, any case
   * @throws SettingException naming {@code model} and the known names
   */
  public ModelSpec model(String name) {
    for (ModelSpec m : models.values()) {
      if (m.name().equalsIgnoreCase(name) || m.hfId().equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new SettingException("model", name, "one of " + names(models.values(), ModelSpec::name));
  }

  /**
   * @param spec {@code NxNAME} with a GPU of the table, or {@code NxMEMORYGiB}
   * @throws SettingException naming {@code gpus}, the form and the known GPUs
   */
  public GpuPool gpus(String spec) {
    Matcher m = POOL.matcher(spec.strip());
    if (m.matches()) {
      Optional<GpuType> type = gpuType(m.group(2));
      if (type.isPresent()) {
        return new GpuPool(Integer.parseInt(m.group(1)), type.get());
      }
    }
    throw new SettingException(
        "gpus",
        spec,
        "COUNTxGPU with GPU one of "
            + String.join(", ", gpus.keySet())
            + ", or COUNTxMEMORYGiB"
            + " (2xRTX3090, 1xA100-80, 4x48GiB)");
  }

  public Optional<GpuPrice> price(GpuType type) {
    return Optional.ofNullable(prices.get(type.name().toUpperCase(Locale.ROOT)));
  }

  private Optional<GpuType> gpuType(String name) {
    GpuType known = gpus.get(name.toUpperCase(Locale.ROOT));
    if (known != null) {
      return Optional.of(known);
    }
    Matcher memory = MEMORY.matcher(name);
    return memory.matches()
        ? Optional.of(new GpuType(name, Double.parseDouble(memory.group(1)), ""))
        : Optional.empty();
  }

  private static <T> String names(java.util.Collection<T> rows, Function<T, String> name) {
    return String.join(", ", rows.stream().map(name).toList());
  }

  private static Map<String, GpuPrice> prices(String csv, String origin) {
    return index(parse(csv, origin, PRICE_COLUMNS, CapacityTables::price), GpuPrice::gpu);
  }

  private static <T> Map<String, T> index(List<T> rows, Function<T, String> key) {
    Map<String, T> byName = new LinkedHashMap<>();
    for (T row : rows) {
      byName.put(key.apply(row).toUpperCase(Locale.ROOT), row);
    }
    return byName;
  }

  /**
   * Rows of a CSV text with the given header.
   *
   * @throws SettingException naming the table and line of a row that does not parse
   */
  static <T> List<T> parse(String csv, String table, String header, Function<String[], T> row) {
    List<T> rows = new ArrayList<>();
    boolean headerSeen = false;
    String[] lines = csv.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = table + " line " + (i + 1);
      if (!headerSeen) {
        if (!line.equals(header)) {
          throw new SettingException(where, line, "the header " + header);
        }
        headerSeen = true;
        continue;
      }
      rows.add(row(line, where, header, row));
    }
    return rows;
  }

  private static <T> T row(String line, String where, String header, Function<String[], T> row) {
    String[] fields = line.split(",", -1);
    if (fields.length != header.split(",").length) {
      throw new SettingException(where, line, header.split(",").length + " fields: " + header);
    }
    try {
      return row.apply(fields);
    } catch (NumberFormatException e) {
      throw new SettingException(where, line, "numbers where " + header + " has them");
    } catch (SettingException e) {
      throw new SettingException(where, line, "valid: " + e.getMessage());
    }
  }

  private static ModelSpec model(String[] f) {
    return new ModelSpec(
        f[0],
        f[1],
        Long.parseLong(f[2]),
        i(f[3]),
        i(f[4]),
        i(f[5]),
        i(f[6]),
        i(f[7]),
        i(f[8]),
        i(f[9]),
        i(f[10]),
        Boolean.parseBoolean(f[11]),
        i(f[12]),
        f[13],
        f[14]);
  }

  private static GpuType gpu(String[] f) {
    return new GpuType(f[0], Double.parseDouble(f[1]), f[2]);
  }

  private static GpuPrice price(String[] f) {
    return new GpuPrice(f[0], Double.parseDouble(f[1]), f[2], f[3]);
  }

  private static int i(String field) {
    return Integer.parseInt(field);
  }

  private static String resource(String name) {
    try (InputStream in = CapacityTables.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("io/nyx/capacity/" + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
