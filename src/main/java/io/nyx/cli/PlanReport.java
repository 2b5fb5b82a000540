package io.nyx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.capacity.CapacityPlan;
import io.nyx.capacity.CapacityPlan.MonthlyCost;
import io.nyx.capacity.GpuPrice;
import io.nyx.capacity.ModelSpec;
import io.nyx.capacity.PlanRequest;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code nyx plan}'s output: text for people, JSON (snake_case, GiB = 2^30 bytes) for scripts. */
final class PlanReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanReport() {}

  static String json(CapacityPlan p) {
    PlanRequest r = p.request();
    ObjectNode root = JSON.createObjectNode();
    ModelSpec m = r.model();
    root.putObject("model")
        .put("name", m.name())
        .put("hf_id", m.hfId())
        .put("params", m.params())
        .put("license", m.license())
        .put("config", m.source());
    root.put("dtype", r.dtype().flag()).put("kv_dtype", r.kvDtype().flag());
    root.putObject("gpus")
        .put("count", r.gpus().count())
        .put("type", r.gpus().type().name())
        .put("memory_gib", r.gpus().type().memoryGib())
        .put("tensor_parallel", p.tensorParallel());
    root.put("context", r.context())
        .put("concurrency", r.concurrency())
        .put("loras", r.loras())
        .put("lora_rank", r.loraRank())
        .put("gpu_memory_utilization", r.gpuMemoryUtilization())
        .put("overhead_gib", r.overheadGib());
    figures(p, root);
    cost(p, root);
    strings(root.putArray("problems"), p.problems());
    strings(root.putArray("notes"), p.notes());
    strings(root.putArray("vllm_args"), p.vllmArgs());
    return root.toPrettyString();
  }

  private static void figures(CapacityPlan p, ObjectNode root) {
    root.put("weights_gib", gib(p.weightsBytes()))
        .put("weights_per_gpu_gib", gib(p.weightsPerGpuBytes()))
        .put("kv_bytes_per_token", p.kvBytesPerToken())
        .put("kv_bytes_per_token_per_gpu", p.kvBytesPerTokenPerGpu())
        .put("kv_cache_gib", gib(p.kvCacheBytes()))
        .put("kv_cache_per_gpu_gib", gib(p.kvCachePerGpuBytes()))
        .put("lora_per_gpu_gib", gib(p.loraPerGpuBytes()))
        .put("budget_per_gpu_gib", gib(p.budgetPerGpuBytes()))
        .put("kv_room_per_gpu_gib", gib(p.kvRoomPerGpuBytes()))
        .put("per_gpu_gib", gib(p.perGpuBytes()))
        .put("fits", p.fits())
        .put("max_concurrency", p.maxConcurrency())
        .put("max_context", p.maxContext())
        .put("storage_gb", Math.round(p.storageBytes() / 1e7) / 100.0);
  }

  private static void cost(CapacityPlan p, ObjectNode root) {
    if (p.monthlyCost().isEmpty()) {
      root.putNull("monthly_cost");
      root.putNull("price");
      return;
    }
    MonthlyCost c = p.monthlyCost().get();
    GpuPrice price = c.price();
    root.put("monthly_cost", Math.round(c.usd() * 100) / 100.0);
    root.putObject("price")
        .put("usd_per_gpu_hour", price.usdPerGpuHour())
        .put("hours_per_month", c.hours())
        .put("as_of", price.asOf())
        .put("source", price.source())
        .put("placeholder", price.placeholder());
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static double gib(double bytes) {
    return Math.round(CapacityPlan.gib(bytes) * 1000) / 1000.0;
  }

  static void text(CapacityPlan p, PrintStream out) {
    PlanRequest r = p.request();
    int tp = p.tensorParallel();
    out.printf(
        Locale.ROOT,
        "%s%s: %s weights, %s KV cache, %d x %s (%s GiB each), tensor parallel %d%n",
        r.model().name(),
        r.model().hfId().isEmpty() ? "" : " (" + r.model().hfId() + ")",
        r.dtype().flag(),
        r.kvDtype().bytes() == 1 ? "fp8" : "16-bit",
        tp,
        r.gpus().type().name(),
        num(r.gpus().type().memoryGib()),
        tp);
    line(
        out,
        "weights",
        "%s GiB total, %s GiB per GPU (%s GB on disk)",
        g(p.weightsBytes()),
        g(p.weightsPerGpuBytes()),
        num(p.storageBytes() / 1e9));
    line(
        out,
        "KV per token",
        "%s KiB total, %s KiB per GPU (2 x %d layers x %d KV heads x %d x %d B)",
        num(p.kvBytesPerToken() / 1024.0),
        num(p.kvBytesPerTokenPerGpu() / 1024.0),
        r.model().layers(),
        r.model().kvHeads(),
        r.model().headDim(),
        r.kvDtype().bytes());
    line(
        out,
        "KV cache",
        "%d sequences x %d tokens = %s GiB total, %s GiB per GPU",
        r.concurrency(),
        r.context(),
        g(p.kvCacheBytes()),
        g(p.kvCachePerGpuBytes()));
    line(
        out,
        "LoRA slots",
        "%d x rank %d: %s GiB per GPU",
        r.loras(),
        r.loraRank(),
        g(p.loraPerGpuBytes()));
    line(
        out,
        "overhead",
        "%s GiB per GPU (activations, CUDA graphs, NCCL, CUDA context)",
        g(p.overheadPerGpuBytes()));
    line(
        out,
        "per GPU",
        "%s GiB needed of %s GiB usable (%s x %s GiB): %s",
        g(p.perGpuBytes()),
        g(p.budgetPerGpuBytes()),
        num(r.gpuMemoryUtilization()),
        num(r.gpus().type().memoryGib()),
        p.fits() ? "FITS" : "DOES NOT FIT");
    line(
        out,
        "KV room",
        "%s GiB per GPU after weights, LoRA and overhead",
        g(p.kvRoomPerGpuBytes()));
    line(
        out,
        "largest",
        "%d sequences of %d tokens; %d sequences of up to %d tokens",
        p.maxConcurrency(),
        r.context(),
        r.concurrency(),
        p.maxContext());
    cost(p, out);
    line(out, "vLLM", "%s", String.join(" ", p.vllmArgs()));
    p.problems().forEach(s -> line(out, "problem", "%s", s));
    p.notes().forEach(s -> line(out, "note", "%s", s));
  }

  private static void cost(CapacityPlan p, PrintStream out) {
    if (p.monthlyCost().isEmpty()) {
      line(
          out,
          "monthly cost",
          "no price for %s (add it with --prices FILE)",
          p.request().gpus().type().name());
      return;
    }
    MonthlyCost c = p.monthlyCost().get();
    GpuPrice price = c.price();
    line(
        out,
        "monthly cost",
        "%d x $%s/h x %d h = $%s (%s)",
        c.gpus(),
        num(price.usdPerGpuHour()),
        c.hours(),
        String.format(Locale.ROOT, "%,.0f", c.usd()),
        price.placeholder()
            ? "placeholder price: replace it with --prices FILE"
            : price.source() + ", " + price.asOf());
  }

  private static void line(PrintStream out, String label, String format, Object... args) {
    out.printf(Locale.ROOT, "  %-13s " + format + "%n", prepend(label, args));
  }

  private static Object[] prepend(String label, Object[] args) {
    Object[] all = new Object[args.length + 1];
    all[0] = label;
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
  }

  private static String g(double bytes) {
    return String.format(Locale.ROOT, "%.2f", CapacityPlan.gib(bytes));
  }

  private static String num(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
