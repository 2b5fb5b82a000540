package io.nyx.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The memory one vLLM server needs per GPU, and whether it fits. Pure arithmetic on the model's
 * shape; docs/capacity.md gives the sources of each term. With {@code TP} = the number of GPUs
 * (tensor parallelism), per GPU:
 *
 * <pre>
 * weights   = ((params − E) · b_q + E · 2 B) / TP        E = embedding + LM-head params (16-bit)
 * kv/token  = 2 (K and V) · layers · max(1, kv_heads / TP) · head_dim · b_kv
 * lora      = slots · rank · layers · 2 B · (4h + (2·heads·head_dim + 2·kv_heads·head_dim) / TP
 *                                             + experts · (3h + 3·intermediate / TP))
 * need      = weights + lora + overhead + kv/token · context · concurrency
 * budget    = gpu_memory_utilization · GPU memory
 * </pre>
 *
 * <p>The LoRA term is vLLM's preallocation ({@code vllm/lora/layers/base_linear.py}): for each
 * column-parallel layer (q, k, v, gate, up) the A matrix (rank × h) is whole on every GPU and B is
 * split; for each row-parallel layer (o, down) A is split and B (h × rank) is whole; slots are
 * 16-bit whatever the weights. Max concurrency is ⌊(budget − weights − lora − overhead) / (kv/token
 * · context)⌋. Monthly cost = GPUs × price per GPU-hour × 730 h. Thread-safe: no state.
 */
public final class CapacityPlanner {
  public static final int HOURS_PER_MONTH = 730;

  private CapacityPlanner() {}

  public static CapacityPlan plan(PlanRequest r, Optional<GpuPrice> price) {
    int tp = r.gpus().count();
    double weights = weightsBytes(r.model(), r.dtype());
    long kvToken = kvBytesPerToken(r.model(), r.kvDtype(), 1);
    long kvTokenGpu = kvBytesPerToken(r.model(), r.kvDtype(), tp);
    double tokens = (double) r.context() * r.concurrency();
    double lora = loraBytesPerGpu(r.model(), r.loras(), r.loraRank(), tp);
    double overhead = r.overheadGib() * CapacityPlan.GIB;
    double budget = r.gpuMemoryUtilization() * r.gpus().type().memoryGib() * CapacityPlan.GIB;
    double kvRoom = budget - weights / tp - lora - overhead;
    double need = weights / tp + lora + overhead + kvTokenGpu * tokens;
    List<String> problems = layoutProblems(r.model(), tp);
    int maxConcurrency =
        problems.isEmpty() ? fitting(kvRoom, kvTokenGpu * (double) r.context()) : 0;
    int maxContext = problems.isEmpty() ? maxContext(r, kvRoom, kvTokenGpu) : 0;
    return new CapacityPlan(
        r,
        weights,
        weights / tp,
        kvToken,
        kvTokenGpu,
        kvToken * tokens,
        kvTokenGpu * tokens,
        lora,
        overhead,
        budget,
        kvRoom,
        need,
        problems.isEmpty() && need <= budget,
        maxConcurrency,
        maxContext,
        weights,
        price.map(p -> new CapacityPlan.MonthlyCost(cost(tp, p), tp, p, HOURS_PER_MONTH)),
        problems,
        notes(r),
        VllmArgs.of(r));
  }

  /** Weights as stored: quantized linear layers plus 16-bit embeddings and LM head. */
  public static double weightsBytes(ModelSpec m, WeightDtype dtype) {
    long embedding = m.embeddingParams();
    return (m.params() - embedding) * dtype.bytesPerLinearParam() + embedding * 2.0;
  }

  /** K and V of one token on one of {@code tp} GPUs; {@code tp} = 1 gives the whole. */
  public static long kvBytesPerToken(ModelSpec m, KvDtype kv, int tp) {
    long headsHere = Math.max(1, m.kvHeads() / tp);
    return 2L * m.layers() * headsHere * m.headDim() * kv.bytes();
  }

  /** The LoRA slots vLLM preallocates on each of {@code tp} GPUs. */
  public static double loraBytesPerGpu(ModelSpec m, int slots, int rank, int tp) {
    if (slots == 0) {
      return 0;
    }
    double q = (double) m.heads() * m.headDim();
    double kv = (double) m.kvHeads() * m.headDim();
    double attention = 4.0 * m.hidden() + (2 * q + 2 * kv) / tp;
    double mlp = m.experts() * (3.0 * m.hidden() + 3.0 * m.intermediate() / tp);
    return (double) slots * rank * m.layers() * 2.0 * (attention + mlp);
  }

  private static int fitting(double room, double perUnit) {
    return room <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.floor(room / perUnit));
  }

  private static int maxContext(PlanRequest r, double kvRoom, long kvTokenGpu) {
    int longest = fitting(kvRoom, (double) kvTokenGpu * r.concurrency());
    return r.model().maxContext() > 0 ? Math.min(longest, r.model().maxContext()) : longest;
  }

  private static double cost(int gpus, GpuPrice p) {
    return gpus * p.usdPerGpuHour() * HOURS_PER_MONTH;
  }

  /** vLLM splits attention heads evenly over the GPUs; it refuses a layout that cannot. */
  static List<String> layoutProblems(ModelSpec m, int tp) {
    List<String> problems = new ArrayList<>();
    if (m.heads() > 0 && m.heads() % tp != 0) {
      problems.add(
          "vLLM needs the "
              + m.heads()
              + " attention heads divisible by the tensor-parallel size "
              + tp);
    }
    boolean splits = m.kvHeads() >= tp ? m.kvHeads() % tp == 0 : tp % m.kvHeads() == 0;
    if (!splits) {
      problems.add(
          "vLLM needs the "
              + m.kvHeads()
              + " KV heads and the tensor-parallel size "
              + tp
              + " to divide one another");
    }
    return problems;
  }

  private static List<String> notes(PlanRequest r) {
    List<String> notes = new ArrayList<>();
    ModelSpec m = r.model();
    int tp = r.gpus().count();
    if (m.kvHeads() < tp) {
      notes.add(
          "the "
              + m.kvHeads()
              + " KV heads are fewer than the "
              + tp
              + " GPUs: vLLM replicates them, so each GPU still caches one head per layer");
    }
    if (m.vocab() == 0 || m.hidden() == 0) {
      notes.add(
          "embedding size unknown (give --vocab and --hidden): every parameter is counted at the"
              + " "
              + r.dtype().flag()
              + " size");
    }
    if (r.dtype() == WeightDtype.INT4 || r.dtype() == WeightDtype.INT8) {
      notes.add(
          "serve a checkpoint quantized ahead of time (AWQ or GPTQ, group size 128): vLLM reads the"
              + " method from its quantization_config");
    }
    if (r.dtype() == WeightDtype.FP8 || r.kvDtype() == KvDtype.FP8) {
      notes.add(
          "fp8 compute needs Ada or Hopper GPUs (L4, L40S, RTX 4090, H100); on Ampere (RTX 30xx,"
              + " A100) vLLM keeps fp8 weights but computes in 16-bit");
    }
    if (r.loras() > 0) {
      notes.add(
          "adapters beyond the "
              + r.loras()
              + " GPU slots wait in CPU memory (--max-cpu-loras) and are swapped in per batch");
    }
    notes.add(
        "the overhead allowance is an estimate: vLLM measures activations and CUDA graphs at start"
            + " and logs the KV cache memory left; compare it with the KV room per GPU here");
    return notes;
  }
}
