package io.nyx.capacity;

import io.nyx.settings.SettingException;

/**
 * The GPUs one vLLM server runs on, all of one type. The model is split over all of them by tensor
 * parallelism ({@code --tensor-parallel-size count}); Nyx plans no pipeline parallelism.
 */
public record GpuPool(int count, GpuType type) {
  public static final int MAX_COUNT = 64;

  public GpuPool {
    if (count < 1 || count > MAX_COUNT) {
      throw new SettingException("gpus", count + "x" + type.name(), "1 to " + MAX_COUNT + " GPUs");
    }
  }

  @Override
  public String toString() {
    return count + "x" + type.name();
  }
}
