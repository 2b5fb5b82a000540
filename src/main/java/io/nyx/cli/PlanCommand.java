package io.nyx.cli;

import io.nyx.capacity.CapacityPlan;
import io.nyx.capacity.CapacityPlanner;
import io.nyx.capacity.CapacityTables;
import io.nyx.capacity.KvDtype;
import io.nyx.capacity.ModelSpec;
import io.nyx.capacity.PlanRequest;
import io.nyx.capacity.WeightDtype;
import io.nyx.settings.SettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx plan}: the GPU memory one vLLM server needs for a model, per GPU under tensor
 * parallelism, whether it fits, the largest concurrency that does, and a monthly cost ({@link
 * CapacityPlanner}). Needs no server, database or network. Exit 0 whether or not the plan fits
 * (read {@code fits}); 2 for a bad flag, named.
 */
final class PlanCommand implements Command {
  static final Set<String> CUSTOM =
      Set.of(
          "params", "layers", "kv-heads", "head-dim", "heads", "hidden", "intermediate", "vocab");
  static final Set<String> VALUED =
      Set.of(
          "model",
          "params",
          "layers",
          "kv-heads",
          "head-dim",
          "heads",
          "hidden",
          "intermediate",
          "vocab",
          "dtype",
          "kv-dtype",
          "gpus",
          "context",
          "concurrency",
          "loras",
          "lora-rank",
          "gpu-memory-utilization",
          "overhead-gib",
          "prices");

  private final CapacityTables shipped;

  PlanCommand(CapacityTables shipped) {
    this.shipped = shipped;
  }

  @Override
  public String name() {
    return "plan";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx plan (--model NAME | --params B --layers L --kv-heads H --head-dim D)
                        --gpus COUNTxGPU [options] [--json]

          --model NAME        a model of the shipped table (llama-3.1-70b, qwen2.5-7b, ...;
                              see docs/capacity.md) or its Hugging Face id
          --params B          or the model's numbers: parameters in billions, layers, KV heads,
          --layers L          elements per head; for LoRA slots also --heads N, --hidden N,
          --kv-heads H        --intermediate N; --vocab N keeps embeddings 16-bit when quantized
          --head-dim D
          --dtype D           weights: fp16, bf16, fp8, int8, int4 (default bf16)
          --kv-dtype D        KV cache: auto (16-bit), fp16, bf16, fp8 (default auto)
          --gpus NxGPU        GPUs of one type, all in one tensor-parallel group: 2xRTX3090,
                              1xA100-80, 1xH100-80 (RTX3080, RTX4090, L4, L40S, A100-40), or
                              NxMEMORYGiB (4x48GiB)
          --context N         tokens per sequence, prompt + output (default 8192)
          --concurrency C     sequences at once (default 16)
          --loras K           LoRA adapters resident on the GPUs at once (default 0)
          --lora-rank R       largest adapter rank: 1, 8, 16, 32, 64, 128, 256, 320, 512 (default 16)
          --gpu-memory-utilization F  share of each GPU vLLM may use (default 0.90)
          --overhead-gib G    per-GPU allowance for activations, CUDA graphs, NCCL (default 2)
          --prices FILE       CSV gpu,usd_per_gpu_hour,as_of,source replacing the example prices
          --json              one JSON object instead of text

        Exit 0 with "fits" true or false; 2 for a bad flag.
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, VALUED, Set.of("json"));
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument " + args.positionals().getFirst());
    }
    CapacityPlan plan;
    try {
      CapacityTables tables = tables(args);
      PlanRequest request = request(args, tables);
      plan = CapacityPlanner.plan(request, tables.price(request.gpus().type()));
    } catch (SettingException e) {
      throw new UsageException("--" + e.getMessage());
    }
    if (args.has("json")) {
      out.println(PlanReport.json(plan));
    } else {
      PlanReport.text(plan, out);
    }
    return 0;
  }

  private CapacityTables tables(Args args) {
    String file = args.flags().get("prices");
    if (file == null) {
      return shipped;
    }
    try {
      return shipped.withPrices(Files.readString(Path.of(file), StandardCharsets.UTF_8), file);
    } catch (IOException e) {
      throw new UsageException("--prices " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static PlanRequest request(Args args, CapacityTables tables) {
    Map<String, String> f = args.flags();
    if (!args.has("gpus")) {
      throw new UsageException("--gpus is required (e.g. --gpus 2xRTX3090)");
    }
    return new PlanRequest(
        model(args, tables),
        WeightDtype.parse(f.getOrDefault("dtype", "bf16")),
        KvDtype.parse(f.getOrDefault("kv-dtype", "auto")),
        tables.gpus(args.value("gpus")),
        integer(f, "context", PlanRequest.DEFAULT_CONTEXT),
        integer(f, "concurrency", PlanRequest.DEFAULT_CONCURRENCY),
        integer(f, "loras", 0),
        integer(f, "lora-rank", PlanRequest.DEFAULT_LORA_RANK),
        decimal(f, "gpu-memory-utilization", PlanRequest.DEFAULT_GPU_MEMORY_UTILIZATION),
        decimal(f, "overhead-gib", PlanRequest.DEFAULT_OVERHEAD_GIB));
  }

  private static ModelSpec model(Args args, CapacityTables tables) {
    boolean custom = CUSTOM.stream().anyMatch(args::has);
    if (args.has("model") == custom) {
      throw new UsageException(
          custom
              ? "give --model or the model's numbers (--params ...), not both"
              : "--model NAME or --params B --layers L --kv-heads H --head-dim D is required");
    }
    if (!custom) {
      return tables.model(args.value("model"));
    }
    for (String needed : List.of("params", "layers", "kv-heads", "head-dim")) {
      if (!args.has(needed)) {
        throw new UsageException("--" + needed + " is required with --params");
      }
    }
    Map<String, String> f = args.flags();
    return ModelSpec.custom(
        decimal(f, "params", 0),
        integer(f, "layers", 0),
        integer(f, "kv-heads", 0),
        integer(f, "head-dim", 0),
        integer(f, "heads", 0),
        integer(f, "hidden", 0),
        integer(f, "intermediate", 0),
        integer(f, "vocab", 0));
  }

  private static int integer(Map<String, String> flags, String flag, int fallback) {
    String value = flags.get(flag);
    try {
      return value == null ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " must be an integer but was \"" + value + "\"");
    }
  }

  private static double decimal(Map<String, String> flags, String flag, double fallback) {
    String value = flags.get(flag);
    try {
      double d = value == null ? fallback : Double.parseDouble(value.strip());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " must be a number but was \"" + value + "\"");
    }
  }
}
