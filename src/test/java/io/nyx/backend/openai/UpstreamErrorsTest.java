package io.nyx.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.BackendException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {
  private static final String URL = "http://h/v1/chat/completions";

  private static BackendException map(int status, String body) {
    return UpstreamErrors.fromStatus(URL, status, body.getBytes(StandardCharsets.UTF_8), "billing");
  }

  @Test
  void nestedAndLegacyShapesGiveTheSameRejection() {
    String nested =
        "{\"error\":{\"message\":\"This model's maximum context length is 32768 tokens.\","
            + "\"type\":\"BadRequestError\",\"param\":\"input_tokens\",\"code\":400}}";
    String legacy =
        "{\"object\":\"error\",\"message\":\"This model's maximum context length is 32768"
            + " tokens.\",\"type\":\"BadRequestError\",\"param\":\"input_tokens\",\"code\":400}";

    for (String body : new String[] {nested, legacy}) {
      assertThat(map(400, body))
          .isInstanceOfSatisfying(
              BackendException.Rejected.class,
              r -> {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.param()).isEqualTo("input_tokens");
                assertThat(r.getMessage())
                    .contains("400 BadRequestError")
                    .contains("maximum context length");
                assertThat(r.retryable()).isFalse();
              });
    }
  }

  @Test
  void notFoundForTheModelBecomesModelNotFoundInBothShapes() {
    String nested =
        "{\"error\":{\"message\":\"The model `billing` does not exist.\","
            + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}";
    String legacyWithoutParam =
        "{\"object\":\"error\",\"message\":\"The model `billing` does not exist.\","
            + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}";

    assertThat(map(404, nested))
        .isInstanceOfSatisfying(
            BackendException.ModelNotFound.class, e -> assertThat(e.model()).isEqualTo("billing"));
    assertThat(map(404, legacyWithoutParam)).isInstanceOf(BackendException.ModelNotFound.class);
  }

  @Test
  void fastApiNotFoundIsARejectionNotAMissingModel() {
    assertThat(map(404, "{\"detail\":\"Not Found\"}"))
        .isInstanceOfSatisfying(
            BackendException.Rejected.class,
            r -> {
              assertThat(r.status()).isEqualTo(404);
              assertThat(r.getMessage()).endsWith("Not Found");
            });
  }

  @Test
  void unauthorizedStringErrorAndTooManyRequests() {
    assertThat(map(401, "{\"error\":\"Unauthorized\"}"))
        .isInstanceOfSatisfying(
            BackendException.Rejected.class,
            r -> {
              assertThat(r.status()).isEqualTo(401);
              assertThat(r.getMessage()).endsWith("Unauthorized");
              assertThat(r.param()).isEmpty();
            });
    assertThat(map(429, "{\"error\":{\"message\":\"slow down\"}}").retryable()).isTrue();
  }

  @Test
  void serverErrorsWithJsonOrHtmlBodiesAreRetryable() {
    BackendException json =
        map(
            500,
            "{\"error\":{\"message\":\"boom\",\"type\":\"InternalServerError\",\"param\":null,"
                + "\"code\":500}}");
    BackendException html = map(502, "<html><body>Bad Gateway</body></html>");

    assertThat(json)
        .isInstanceOfSatisfying(
            BackendException.ServerError.class, e -> assertThat(e.status()).isEqualTo(500));
    assertThat(json.retryable()).isTrue();
    assertThat(json.getMessage()).endsWith("boom");
    assertThat(html).isInstanceOf(BackendException.ServerError.class);
    assertThat(html.getMessage()).contains("Bad Gateway");
    assertThat(map(503, "").getMessage()).contains("(empty body)");
  }

  @Test
  void transportFailuresMapToTimeoutPhasesOrUnreachable() {
    Duration connect = Duration.ofMillis(250);
    Duration read = Duration.ofMillis(900);

    BackendException c =
        UpstreamErrors.fromFailure(URL, new HttpConnectTimeoutException("x"), connect, read);
    BackendException r =
        UpstreamErrors.fromFailure(URL, new HttpTimeoutException("x"), connect, read);
    BackendException u =
        UpstreamErrors.fromFailure(URL, new ConnectException("refused"), connect, read);
    BackendException reset =
        UpstreamErrors.fromFailure(URL, new IOException("reset"), connect, read);

    assertThat(c).isInstanceOf(BackendException.Timeout.class);
    assertThat(c.getMessage()).contains("(connect, 250 ms)");
    assertThat(r.getMessage()).contains("(read, 900 ms)");
    assertThat(u).isInstanceOf(BackendException.Unreachable.class);
    assertThat(u.getCause()).isInstanceOf(ConnectException.class);
    assertThat(reset).isInstanceOf(BackendException.Unreachable.class);
  }
}
