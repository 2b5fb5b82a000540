package io.nyx.capacity;

import java.util.List;
import java.util.Optional;

/**
 * What {@link CapacityPlanner} worked out for a {@link PlanRequest}. Byte figures are bytes;
 * "total" is over the whole pool, "per GPU" is what one GPU of the tensor-parallel group holds.
 *
 * @param weightsBytes the model's weights as stored on the GPUs, all GPUs together
 * @param kvBytesPerToken K and V of one token over all layers and KV heads
 * @param kvBytesPerTokenPerGpu the part of that one GPU holds (KV heads replicate when fewer than
 *     GPUs)
 * @param kvCacheBytes KV cache for {@code concurrency} sequences of {@code context} tokens
 * @param loraPerGpuBytes the LoRA slots vLLM preallocates on each GPU
 * @param budgetPerGpuBytes {@code gpu_memory_utilization} × the GPU's memory
 * @param kvRoomPerGpuBytes what the budget leaves for the KV cache after weights, LoRA and overhead
 *     (negative when those alone do not fit)
 * @param perGpuBytes what one GPU needs: weights, LoRA slots, overhead allowance and KV cache
 * @param fits the request runs: it fits in the budget and vLLM accepts the parallel layout
 * @param maxConcurrency the most sequences of {@code context} tokens whose KV cache fits (0 if
 *     none)
 * @param maxContext the longest context for {@code concurrency} sequences, capped at the model's (0
 *     if none)
 * @param storageBytes the weights on disk (safetensors hold what the GPUs hold)
 * @param problems why vLLM would refuse the layout, apart from memory
 * @param notes caveats a reader of the figures should know
 * @param vllmArgs the vLLM flags this plan stands for
 */
public record CapacityPlan(
    PlanRequest request,
    double weightsBytes,
    double weightsPerGpuBytes,
    long kvBytesPerToken,
    long kvBytesPerTokenPerGpu,
    double kvCacheBytes,
    double kvCachePerGpuBytes,
    double loraPerGpuBytes,
    double overheadPerGpuBytes,
    double budgetPerGpuBytes,
    double kvRoomPerGpuBytes,
    double perGpuBytes,
    boolean fits,
    int maxConcurrency,
    int maxContext,
    double storageBytes,
    Optional<MonthlyCost> monthlyCost,
    List<String> problems,
    List<String> notes,
    List<String> vllmArgs) {

  public static final double GIB = 1024.0 * 1024 * 1024;

  public CapacityPlan {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
    vllmArgs = List.copyOf(vllmArgs);
  }

  public int tensorParallel() {
    return request.gpus().count();
  }

  /** Bytes in GiB (2^30). */
  public static double gib(double bytes) {
    return bytes / GIB;
  }

  /**
   * GPUs × hourly price × hours per month.
   *
   * @param hours hours in a month: 8760 / 12 = 730
   */
  public record MonthlyCost(double usd, int gpus, GpuPrice price, int hours) {}
}
