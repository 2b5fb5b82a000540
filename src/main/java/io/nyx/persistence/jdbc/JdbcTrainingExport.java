package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.export.ExportPipeline;
import io.nyx.export.ExportRequest;
import io.nyx.export.ExportSettings;
import io.nyx.export.JsonEncoder;
import io.nyx.export.Report;
import io.nyx.export.TrainingExport;
import io.nyx.memory.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link TrainingExport} from PostgreSQL: the {@link ExportPipeline} (scrubbing, duplicates, split,
 * format) over the rows {@link JdbcExampleSource} streams, its lines encoded with Jackson.
 * Thread-safe.
 */
public final class JdbcTrainingExport implements TrainingExport {
  /** Compact, keys in the order the format put them. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Encodes a line of plain maps, lists and values. */
  public static final JsonEncoder ENCODER =
      tree -> {
        try {
          return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("an export line is plain data: " + e.getMessage(), e);
        }
      };

  private final TrainingExport pipeline;

  /**
   * With the shipped scrub rules, and exact duplicates only (near duplicates need an embedder: use
   * the other constructor).
   */
  public JdbcTrainingExport(DataSource dataSource) {
    this(dataSource, ExportSettings.DEFAULT, null, null);
  }

  /**
   * @param embedder embeds prompts to find near duplicates (null: exact duplicates only)
   * @param baseModel the served base model the adapters are trained on, for the manifest
   */
  public JdbcTrainingExport(
      DataSource dataSource,
      ExportSettings settings,
      @Nullable Embedder embedder,
      @Nullable String baseModel) {
    this.pipeline =
        new ExportPipeline(
            new JdbcExampleSource(dataSource), settings, embedder, baseModel, ENCODER);
  }

  @Override
  public Report export(ExportRequest request, Outputs outputs) throws IOException {
    return pipeline.export(request, outputs);
  }
}
