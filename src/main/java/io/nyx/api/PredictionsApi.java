package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.PredictionService;
import java.util.Set;

/** {@code POST /predictions/{id}/outcome}: Moira's predictions scored. */
final class PredictionsApi {
  private final PredictionService predictions;

  PredictionsApi(PredictionService predictions) {
    this.predictions = predictions;
  }

  void outcome(ServerRequest req, ServerResponse res) {
    long id = Http.idParameter(req);
    Fields f = new Fields(Json.parseObject(Http.body(req))).only(Set.of("outcome"));
    String outcome = f.requireString("outcome", 32);
    if (!outcome.equals("happened") && !outcome.equals("did_not_happen")) {
      throw new NyxException.BadRequest(
          "outcome", "'outcome' must be \"happened\" or \"did_not_happen\" but was " + outcome);
    }
    PredictionService.Scored s = predictions.outcome(id, outcome.equals("happened"));
    ObjectNode o = Responses.outcome(s.outcome());
    o.put("id", id);
    o.put("outcome", outcome);
    o.put("rating", s.rating());
    Http.json(res, 200, o);
  }
}
