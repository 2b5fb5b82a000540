package io.nyx.capacity;

import io.nyx.settings.SettingException;
import java.util.Locale;

/**
 * What one K or V element of the KV cache takes. vLLM's {@code --kv-cache-dtype auto} stores it in
 * the model's activation dtype, which is 16-bit even for int4/int8 weights; {@code fp8} halves it.
 */
public enum KvDtype {
  AUTO("auto", 2),
  FP16("fp16", 2),
  BF16("bf16", 2),
  FP8("fp8", 1);

  private final String flag;
  private final int bytes;

  KvDtype(String flag, int bytes) {
    this.flag = flag;
    this.bytes = bytes;
  }

  public String flag() {
    return flag;
  }

  /** Bytes per cached element. */
  public int bytes() {
    return bytes;
  }

  /**
   * @throws SettingException naming {@code kv-dtype} and the allowed names
   */
  public static KvDtype parse(String text) {
    for (KvDtype d : values()) {
      if (d.flag.equals(text.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new SettingException("kv-dtype", text, "one of auto, fp16, bf16, fp8");
  }
}
