package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nyx plan} through {@link Cli#run}: the figures of {@code CapacityPlannerTest} in its JSON
 * and text, and a usage error (exit 2) naming the flag for every bad input.
 */
class PlanCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static JsonNode json(String... args) throws IOException {
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /** The plan's own configuration: Llama 3 70B at fp16 on two RTX 3090s. */
  @Test
  void thePlansOwnConfigurationDoesNotFit() throws IOException {
    JsonNode p =
        json("plan", "--model", "llama-3-70b", "--dtype", "fp16", "--gpus", "2xRTX3090", "--json");
    assertThat(p.get("fits").asBoolean()).isFalse();
    assertThat(p.get("weights_gib").asDouble()).isEqualTo(131.417); // 141,107,412,992 B
    assertThat(p.get("per_gpu_gib").asDouble()).isEqualTo(87.708); // 65.708 + 2 + 20 KV
    assertThat(p.get("kv_cache_gib").asDouble()).isEqualTo(40.0); // 16 × 8192 × 320 KiB
    assertThat(p.get("max_concurrency").asInt()).isZero();
    assertThat(p.get("monthly_cost").asDouble()).isEqualTo(438.0); // 2 × $0.30 × 730 h
    assertThat(p.get("price").get("placeholder").asBoolean()).isTrue();
    assertThat(p.get("storage_gb").asDouble()).isEqualTo(141.11);
  }

  /** 70B int4 on 2 × RTX 3090 (see CapacityPlannerTest): one sequence of 4096 tokens fits. */
  @Test
  void llama70bInt4OnTwo3090s() throws IOException {
    JsonNode p =
        json(
            "plan",
            "--model",
            "meta-llama/Llama-3.1-70B-Instruct",
            "--dtype",
            "int4",
            "--gpus",
            "2xRTX3090",
            "--context",
            "4096",
            "--concurrency",
            "1",
            "--json");
    assertThat(p.get("fits").asBoolean()).isTrue();
    assertThat(p.get("weights_gib").asDouble()).isEqualTo(37.035);
    assertThat(p.get("kv_bytes_per_token").asLong()).isEqualTo(327_680);
    assertThat(p.get("max_concurrency").asInt()).isEqualTo(1);
    assertThat(p.get("max_context").asInt()).isEqualTo(7094);
    assertThat(p.get("vllm_args").toString())
        .isEqualTo(
            "[\"--tensor-parallel-size\",\"2\",\"--max-model-len\",\"4096\",\"--max-num-seqs\","
                + "\"1\",\"--gpu-memory-utilization\",\"0.90\"]");
  }

  @Test
  void aModelGivenByItsNumbers() throws IOException {
    JsonNode p =
        json(
            "plan",
            "--params",
            "8.03",
            "--layers",
            "32",
            "--kv-heads",
            "8",
            "--head-dim",
            "128",
            "--gpus",
            "1x48GiB",
            "--context",
            "8192",
            "--concurrency",
            "1",
            "--json");
    assertThat(p.get("kv_bytes_per_token").asLong()).isEqualTo(131_072);
    assertThat(p.get("weights_gib").asDouble()).isEqualTo(14.957); // 8.03e9 × 2 B
    assertThat(p.get("monthly_cost").isNull()).isTrue(); // no price for a 48GiB GPU
    assertThat(p.get("budget_per_gpu_gib").asDouble()).isEqualTo(43.2);
  }

  @Test
  void pricesCanBeReplaced() throws IOException {
    Path prices = dir.resolve("prices.csv");
    Files.writeString(
        prices, "# ours\ngpu,usd_per_gpu_hour,as_of,source\nRTX3090,0.25,2026-12,quote\n");
    JsonNode p =
        json(
            "plan",
            "--model",
            "qwen2.5-7b",
            "--gpus",
            "2xRTX3090",
            "--prices",
            prices.toString(),
            "--json");
    assertThat(p.get("monthly_cost").asDouble()).isEqualTo(365.0); // 2 × 0.25 × 730
    assertThat(p.get("price").get("source").asText()).isEqualTo("quote");
  }

  @Test
  void theTextSaysWhetherItFits() {
    CliRun r =
        CliRun.of("plan", "--model", "llama-3.1-8b", "--gpus", "1xRTX3090", "--concurrency", "4");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("14.96 GiB total")
        .contains("128 KiB total")
        .contains("FITS")
        .contains("4 sequences of 8192 tokens")
        .contains("--max-model-len 8192");
  }

  @Test
  void badFlagsAreUsageErrorsNamingTheFlag() {
    usage(
        "--dtype must be one of fp16, bf16, fp8, int8, int4 but was \"fp4\"",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--dtype",
        "fp4");
    usage("--gpus must be COUNTxGPU", "--model", "qwen2.5-7b", "--gpus", "two");
    usage("--gpus is required", "--model", "qwen2.5-7b");
    usage("--model must be one of llama-3-8b", "--model", "gpt-4o", "--gpus", "1xA100-80");
    usage(
        "--context must be in [1, 8192] (llama-3-70b's max_position_embeddings) but was 16384",
        "--model",
        "llama-3-70b",
        "--gpus",
        "2xA100-80",
        "--context",
        "16384");
    usage(
        "--concurrency must be an integer but was \"many\"",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--concurrency",
        "many");
    usage(
        "--lora-rank must be one of",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--loras",
        "2",
        "--lora-rank",
        "12");
    usage(
        "--kv-dtype must be one of",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--kv-dtype",
        "int4");
    usage(
        "--gpu-memory-utilization must be in (0, 1]",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--gpu-memory-utilization",
        "1.5");
    usage("--layers is required with --params", "--params", "7", "--gpus", "1xA100-80");
    usage(
        "give --model or the model's numbers (--params ...), not both",
        "--model",
        "qwen2.5-7b",
        "--params",
        "7",
        "--gpus",
        "1xA100-80");
    usage("unknown option --tp", "--model", "qwen2.5-7b", "--gpus", "1xA100-80", "--tp", "2");
    usage(
        "--prices " + dir.resolve("none.csv") + " cannot be read",
        "--model",
        "qwen2.5-7b",
        "--gpus",
        "1xA100-80",
        "--prices",
        dir.resolve("none.csv").toString());
  }

  private static void usage(String message, String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "plan";
    System.arraycopy(flags, 0, args, 1, flags.length);
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("nyx plan: " + message).contains("Usage: nyx plan");
  }
}
