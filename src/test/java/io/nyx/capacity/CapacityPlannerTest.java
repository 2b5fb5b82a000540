package io.nyx.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.settings.SettingException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The planner against figures worked out by hand from the models' config.json (GiB = 2^30 B). The
 * shipped table's Llama 3.1 70B: 70,553,706,496 parameters, 80 layers, hidden 8192, 64 heads, 8 KV
 * heads of 128, intermediate 28672, vocab 128256, untied embeddings.
 */
class CapacityPlannerTest {
  static final double GIB = 1024.0 * 1024 * 1024;
  static final CapacityTables TABLES = CapacityTables.shipped();
  static final ModelSpec LLAMA_70B = TABLES.model("llama-3.1-70b");
  static final ModelSpec LLAMA_8B = TABLES.model("llama-3.1-8b");

  static PlanRequest request(
      ModelSpec m,
      WeightDtype dtype,
      String gpus,
      int context,
      int concurrency,
      int loras,
      int rank) {
    return new PlanRequest(
        m, dtype, KvDtype.AUTO, TABLES.gpus(gpus), context, concurrency, loras, rank, 0.90, 2.0);
  }

  static CapacityPlan plan(PlanRequest r) {
    return CapacityPlanner.plan(r, TABLES.price(r.gpus().type()));
  }

  /** 70,553,706,496 × 2 B = 141,107,412,992 B = 131.42 GiB: two 24 GB cards cannot hold it. */
  @Test
  void llama70bAtFp16IsAbout131GibOfWeights() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.FP16, "2xRTX3090", 8192, 16, 0, 16));
    assertThat(p.weightsBytes()).isEqualTo(141_107_412_992.0);
    assertThat(p.weightsBytes() / GIB).isCloseTo(131.4165, within(1e-4));
    assertThat(p.weightsPerGpuBytes() / GIB).isCloseTo(65.708, within(1e-3));
    assertThat(p.storageBytes() / 1e9).isCloseTo(141.11, within(0.01));
    assertThat(p.fits()).isFalse();
    assertThat(p.maxConcurrency()).isZero();
  }

  /**
   * KV per token = 2 (K, V) × 80 layers × 8 KV heads × 128 × 2 B = 327,680 B = 320 KiB
   * (grouped-query attention: 8 KV heads, not 64); 8192 tokens × 16 sequences = 131,072 tokens ×
   * 320 KiB = 40 GiB, 20 GiB on each of 2 GPUs.
   */
  @Test
  void kvCacheCountsKvHeadsNotQueryHeads() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.FP16, "2xA100-80", 8192, 16, 0, 16));
    assertThat(p.kvBytesPerToken()).isEqualTo(327_680);
    assertThat(p.kvBytesPerTokenPerGpu()).isEqualTo(163_840);
    assertThat(p.kvCacheBytes()).isEqualTo(40 * GIB);
    assertThat(p.kvCachePerGpuBytes()).isEqualTo(20 * GIB);
  }

  /**
   * int4: the 2,101,346,304 embedding + LM-head parameters (2 × 128256 × 8192) stay 2 B; the other
   * 68,452,360,192 take 0.5 B + 2.5/128 B of scales and zeros = 0.51953125 B: 35,563,140,256 +
   * 4,202,692,608 = 39,765,832,864 B = 37.03 GiB, 18.52 GiB per GPU.
   */
  @Test
  void int4KeepsEmbeddingsAt16BitAndAddsGroupMetadata() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.INT4, "2xRTX3090", 4096, 2, 0, 16));
    assertThat(p.weightsBytes()).isEqualTo(39_765_832_864.0);
    assertThat(p.weightsPerGpuBytes() / GIB).isCloseTo(18.517, within(1e-3));
  }

  /**
   * 70B int4 on 2 × RTX 3090: budget 0.90 × 24 = 21.6 GiB; 21.6 − 18.517 weights − 2 overhead =
   * 1.083 GiB of KV room = 7,094 tokens at 160 KiB per GPU. One sequence of 4096 tokens (640 MiB)
   * fits, two (1.25 GiB) do not; two sequences get at most 3,547 tokens each.
   */
  @Test
  void llama70bInt4OnTwo3090sHoldsOneSequenceOf4k() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.INT4, "2xRTX3090", 4096, 2, 0, 16));
    assertThat(p.kvRoomPerGpuBytes() / GIB).isCloseTo(1.0826, within(1e-4));
    assertThat(p.fits()).isFalse();
    assertThat(p.maxConcurrency()).isEqualTo(1);
    assertThat(p.maxContext()).isEqualTo(3547);
    assertThat(plan(request(LLAMA_70B, WeightDtype.INT4, "2xRTX3090", 4096, 1, 0, 16)).fits())
        .isTrue();
  }

  /**
   * Llama 3.1 8B bf16 on one RTX 3090: weights 8,030,261,248 × 2 B = 14.958 GiB; KV per token 2 ×
   * 32 × 8 × 128 × 2 B = 128 KiB, so 8192 tokens = exactly 1 GiB; room 21.6 − 14.958 − 2 = 4.64
   * GiB: 4 sequences of 8k.
   */
  @Test
  void llama8bOnOne3090ServesFourSequencesOf8k() {
    CapacityPlan p = plan(request(LLAMA_8B, WeightDtype.BF16, "1xRTX3090", 8192, 4, 0, 16));
    assertThat(p.weightsBytes()).isEqualTo(16_060_522_496.0);
    assertThat(p.kvBytesPerToken()).isEqualTo(131_072);
    assertThat(p.kvCacheBytes()).isEqualTo(4 * GIB);
    assertThat(p.maxConcurrency()).isEqualTo(4);
    assertThat(p.fits()).isTrue();
    assertThat(p.perGpuBytes() / GIB).isCloseTo(14.9575 + 2 + 4, within(1e-4));
  }

  /**
   * LoRA slots per GPU, TP 2, rank 64, Llama 70B, per layer and slot: 64 × (4 × 8192 + (2 × 8192 +
   * 2 × 1024) / 2 + 3 × 8192 + 3 × 28672 / 2) = 64 × 109,568 = 7,012,352 elements; × 80 layers × 2
   * B × 5 slots = 5,609,881,600 B = 5.22 GiB on each GPU.
   */
  @Test
  void loraSlotsFollowVllmsPreallocation() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.INT4, "2xRTX3090", 4096, 1, 5, 64));
    assertThat(p.loraPerGpuBytes()).isEqualTo(5_609_881_600.0);
    assertThat(p.fits()).isFalse();
    assertThat(p.vllmArgs())
        .containsSubsequence("--enable-lora", "--max-loras", "5", "--max-lora-rank", "64");
  }

  /**
   * 16 GPUs for 8 KV heads: vLLM keeps one head per GPU, so a GPU caches 2 × 80 × 1 × 128 × 2 B =
   * 40,960 B per token, not half of that.
   */
  @Test
  void kvHeadsReplicateWhenFewerThanGpus() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.FP16, "16xA100-80", 8192, 1, 0, 16));
    assertThat(p.kvBytesPerTokenPerGpu()).isEqualTo(40_960);
    assertThat(p.notes()).anyMatch(n -> n.contains("replicates"));
  }

  @Test
  void aTensorParallelSizeThatDoesNotDivideTheHeadsIsRefused() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.FP16, "3xA100-80", 4096, 1, 0, 16));
    assertThat(p.problems()).anyMatch(s -> s.contains("64 attention heads"));
    assertThat(p.fits()).isFalse();
    assertThat(p.maxConcurrency()).isZero();
  }

  /** 2 × $1.49 × 730 h = $2,175.40 with the shipped example price of an A100 80GB. */
  @Test
  void monthlyCostIsGpusTimesHourlyPriceTimes730() {
    CapacityPlan p = plan(request(LLAMA_70B, WeightDtype.FP8, "2xA100-80", 8192, 8, 0, 16));
    assertThat(p.monthlyCost()).isPresent();
    assertThat(p.monthlyCost().get().usd()).isCloseTo(2175.40, within(1e-9));
    CapacityTables own =
        TABLES.withPrices("gpu,usd_per_gpu_hour,as_of,source\nA100-80,2,x,y\n", "t");
    assertThat(
            CapacityPlanner.plan(p.request(), own.price(p.request().gpus().type())).monthlyCost())
        .hasValueSatisfying(c -> assertThat(c.usd()).isEqualTo(2920.0));
    assertThat(CapacityPlanner.plan(p.request(), Optional.empty()).monthlyCost()).isEmpty();
  }

  /** fp8 KV halves the cache: 2 × 80 × 8 × 128 × 1 B = 163,840 B per token. */
  @Test
  void fp8KvCacheHalvesThePerTokenBytes() {
    PlanRequest r =
        new PlanRequest(
            LLAMA_70B,
            WeightDtype.FP8,
            KvDtype.FP8,
            TABLES.gpus("2xH100-80"),
            8192,
            8,
            0,
            16,
            0.9,
            2.0);
    assertThat(CapacityPlanner.plan(r, Optional.empty()).kvBytesPerToken()).isEqualTo(163_840);
  }

  @Test
  void aCustomModelWithoutVocabCountsEveryParameterQuantized() {
    ModelSpec m = ModelSpec.custom(10, 40, 8, 128, 0, 0, 0, 0);
    assertThat(CapacityPlanner.weightsBytes(m, WeightDtype.INT4)).isEqualTo(10e9 * 0.51953125);
  }

  @Test
  void everyShippedModelHasItsSourceAndAConsistentShape() {
    assertThat(TABLES.models()).hasSizeGreaterThanOrEqualTo(10);
    for (ModelSpec m : TABLES.models()) {
      assertThat(m.source()).startsWith("https://huggingface.co/" + m.hfId() + "/");
      assertThat(m.license()).isNotBlank();
      assertThat(m.heads() % m.kvHeads()).isZero();
      assertThat(m.knowsLoraShapes()).isTrue();
    }
  }

  @Test
  void badInputsNameTheirFlag() {
    assertThatThrownBy(() -> WeightDtype.parse("fp4"))
        .isInstanceOf(SettingException.class)
        .hasMessage("dtype must be one of fp16, bf16, fp8, int8, int4 but was \"fp4\"");
    assertThatThrownBy(() -> request(LLAMA_70B, WeightDtype.FP16, "2xA100-80", 200_000, 1, 0, 16))
        .hasMessageStartingWith("context must be in [1, 131072]");
    assertThatThrownBy(() -> request(LLAMA_70B, WeightDtype.FP16, "2xA100-80", 8192, 1, 1, 7))
        .hasMessageStartingWith("lora-rank must be one of");
    assertThatThrownBy(() -> TABLES.gpus("2xGTX1080")).hasMessageStartingWith("gpus must be");
    assertThatThrownBy(() -> TABLES.model("gpt-4o")).hasMessageStartingWith("model must be one of");
    assertThatThrownBy(() -> TABLES.withPrices("gpu,price\nA100-80,1\n", "mine.csv"))
        .hasMessageStartingWith("mine.csv line 1 must be the header");
  }
}
