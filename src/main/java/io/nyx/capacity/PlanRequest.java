package io.nyx.capacity;

import io.nyx.settings.SettingException;
import java.util.Set;

/**
 * What {@code nyx plan} is asked: a model at a weight dtype on a pool of GPUs, serving {@code
 * concurrency} sequences of up to {@code context} tokens with {@code loras} LoRA slots of rank
 * {@code loraRank}. Field names are the command's flags without their dashes.
 *
 * @param context tokens per sequence, prompt plus output (vLLM {@code --max-model-len})
 * @param concurrency sequences whose KV cache is resident at once (vLLM {@code --max-num-seqs})
 * @param loras adapters resident on the GPUs at once (vLLM {@code --max-loras}); 0 = no LoRA
 * @param loraRank the largest adapter rank (vLLM {@code --max-lora-rank}); every slot is sized for
 *     it
 * @param gpuMemoryUtilization share of each GPU vLLM may use (vLLM {@code
 *     --gpu-memory-utilization})
 * @param overheadGib per-GPU allowance for activations, CUDA graphs, NCCL and the CUDA context
 */
public record PlanRequest(
    ModelSpec model,
    WeightDtype dtype,
    KvDtype kvDtype,
    GpuPool gpus,
    int context,
    int concurrency,
    int loras,
    int loraRank,
    double gpuMemoryUtilization,
    double overheadGib) {

  /** The ranks vLLM accepts for {@code --max-lora-rank} ({@code vllm/config/lora.py}). */
  public static final Set<Integer> LORA_RANKS = Set.of(1, 8, 16, 32, 64, 128, 256, 320, 512);

  public static final int DEFAULT_CONTEXT = 8192;
  public static final int DEFAULT_CONCURRENCY = 16;
  public static final int DEFAULT_LORA_RANK = 16;

  /** Nyx's deploy files pass this explicitly; vLLM's own default is 0.9 (0.92 in newer code). */
  public static final double DEFAULT_GPU_MEMORY_UTILIZATION = 0.90;

  /** See docs/capacity.md, "Overhead allowance". */
  public static final double DEFAULT_OVERHEAD_GIB = 2.0;

  public PlanRequest {
    int maxContext = model.maxContext() > 0 ? model.maxContext() : 10_000_000;
    if (context < 1 || context > maxContext) {
      throw new SettingException(
          "context",
          context,
          model.maxContext() > 0
              ? "in [1, " + maxContext + "] (" + model.name() + "'s max_position_embeddings)"
              : "in [1, 10000000] tokens");
    }
    if (concurrency < 1 || concurrency > 100_000) {
      throw new SettingException("concurrency", concurrency, "in [1, 100000] sequences");
    }
    if (loras < 0 || loras > 1024) {
      throw new SettingException("loras", loras, "in [0, 1024] slots");
    }
    if (!LORA_RANKS.contains(loraRank)) {
      throw new SettingException(
          "lora-rank", loraRank, "one of 1, 8, 16, 32, 64, 128, 256, 320, 512");
    }
    if (loras > 0 && !model.knowsLoraShapes()) {
      throw new SettingException(
          "loras", loras, "0 unless --hidden, --heads and --intermediate are given");
    }
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
      throw new SettingException("gpu-memory-utilization", gpuMemoryUtilization, "in (0, 1]");
    }
    if (!(overheadGib >= 0 && overheadGib <= 1024)) {
      throw new SettingException("overhead-gib", overheadGib, "in [0, 1024] GiB");
    }
  }
}
