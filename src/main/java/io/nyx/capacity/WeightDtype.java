package io.nyx.capacity;

import io.nyx.settings.SettingException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the model's weights are stored on the GPU. Only the linear layers of the decoder blocks are
 * quantized: the token embeddings and the LM head stay 16-bit (vLLM's AWQ, GPTQ and fp8 methods
 * quantize {@code LinearBase} layers only), so {@link CapacityPlanner} counts those at 2 bytes.
 *
 * <p>{@code bytesPerParam} is the packed weight; {@code groupBytesPerParam} is the per-group
 * metadata spread over the group's weights. int4 (AWQ/GPTQ, group size 128, the usual checkpoints):
 * an fp16 scale (2 B) and a packed 4-bit zero point (0.5 B) per 128 weights = 2.5/128 B ≈ +3.9 % on
 * the 0.5 B (vLLM {@code AWQLinearMethod.create_weights}: {@code qweight} int32 holding 8 weights,
 * {@code qzeros} and {@code scales} per group). int8 (GPTQ 8-bit, group 128): 2 B scale + 1 B zero
 * per 128. fp8: one scale per tensor or channel, negligible.
 */
public enum WeightDtype {
  FP16("fp16", 2.0, 0.0),
  BF16("bf16", 2.0, 0.0),
  FP8("fp8", 1.0, 0.0),
  INT8("int8", 1.0, 3.0 / 128),
  INT4("int4", 0.5, 2.5 / 128);

  private final String flag;
  private final double bytesPerParam;
  private final double groupBytesPerParam;

  WeightDtype(String flag, double bytesPerParam, double groupBytesPerParam) {
    this.flag = flag;
    this.bytesPerParam = bytesPerParam;
    this.groupBytesPerParam = groupBytesPerParam;
  }

  /** The name on the command line. */
  public String flag() {
    return flag;
  }

  /** Bytes per weight of a quantized linear layer, metadata included. */
  public double bytesPerLinearParam() {
    return bytesPerParam + groupBytesPerParam;
  }

  public boolean quantized() {
    return bytesPerParam < 2.0;
  }

  /**
   * @throws SettingException naming {@code dtype} and the allowed names
   */
  public static WeightDtype parse(String text) {
    for (WeightDtype d : values()) {
      if (d.flag.equals(text.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new SettingException("dtype", text, "one of " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(WeightDtype::flag).collect(Collectors.joining(", "));
  }
}
