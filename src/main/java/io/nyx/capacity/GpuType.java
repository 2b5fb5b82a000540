package io.nyx.capacity;

import io.nyx.settings.SettingException;

/**
 * One kind of GPU.
 *
 * @param memoryGib nominal memory of one GPU in GiB
 * @param source where the figure comes from, or empty
 */
public record GpuType(String name, double memoryGib, String source) {
  public GpuType {
    if (!(memoryGib > 0 && memoryGib <= 4096)) {
      throw new SettingException("gpus", memoryGib, "a memory size in (0, 4096] GiB");
    }
  }
}
