package io.nyx.capacity;

import io.nyx.settings.SettingException;

/**
 * What one GPU of a type costs per hour.
 *
 * @param usdPerGpuHour US dollars per GPU-hour
 * @param asOf when the price was read, or {@code placeholder}
 * @param source where it was read, or {@code placeholder}
 */
public record GpuPrice(String gpu, double usdPerGpuHour, String asOf, String source) {
  public GpuPrice {
    if (!(usdPerGpuHour >= 0 && usdPerGpuHour <= 10_000)) {
      throw new SettingException("usd_per_gpu_hour", usdPerGpuHour, "in [0, 10000]");
    }
  }

  public boolean placeholder() {
    return "placeholder".equals(asOf) || "placeholder".equals(source);
  }
}
