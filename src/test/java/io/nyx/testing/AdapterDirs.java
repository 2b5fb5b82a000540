package io.nyx.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** LoRA adapter directories as PEFT's {@code save_pretrained} leaves them, for tests. */
public final class AdapterDirs {
  private AdapterDirs() {}

  /**
   * {@code dir} with an {@code adapter_config.json} (trained on {@code base}, rank {@code rank},
   * attention projections, plus the {@code extra} JSON fields, e.g. {@code ,"use_dora":true}) and a
   * weights file.
   */
  public static Path saved(Path dir, String base, int rank, String extra) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("adapter_config.json"),
        "{\"peft_type\":\"LORA\",\"task_type\":\"CAUSAL_LM\",\"base_model_name_or_path\":\""
            + base
            + "\",\"r\":"
            + rank
            + ",\"lora_alpha\":16,\"lora_dropout\":0.05,\"bias\":\"none\",\"use_dora\":false,"
            + "\"modules_to_save\":null,\"target_modules\":[\"q_proj\",\"k_proj\",\"v_proj\","
            + "\"o_proj\"]"
            + extra
            + "}");
    Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {0});
    return dir;
  }
}
