package io.nyx.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code vllm serve} flags a {@link PlanRequest} stands for. */
final class VllmArgs {
  private VllmArgs() {}

  static List<String> of(PlanRequest r) {
    List<String> args = new ArrayList<>();
    add(args, "--tensor-parallel-size", r.gpus().count());
    add(args, "--max-model-len", r.context());
    add(args, "--max-num-seqs", r.concurrency());
    args.add("--gpu-memory-utilization");
    args.add(String.format(Locale.ROOT, "%.2f", r.gpuMemoryUtilization()));
    if (r.dtype() == WeightDtype.FP8) {
      args.add("--quantization");
      args.add("fp8");
    } else if (!r.dtype().quantized()) {
      args.add("--dtype");
      args.add(r.dtype() == WeightDtype.BF16 ? "bfloat16" : "float16");
    }
    if (r.kvDtype() == KvDtype.FP8) {
      args.add("--kv-cache-dtype");
      args.add("fp8");
    }
    if (r.loras() > 0) {
      args.add("--enable-lora");
      add(args, "--max-loras", r.loras());
      add(args, "--max-lora-rank", r.loraRank());
    }
    return args;
  }

  private static void add(List<String> args, String flag, int value) {
    args.add(flag);
    args.add(Integer.toString(value));
  }
}
