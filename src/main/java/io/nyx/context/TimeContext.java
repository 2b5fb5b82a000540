package io.nyx.context;

import io.nyx.context.time.Kairos;
import java.util.List;

/**
 * Kairos: the current date, time, weekday and zone, the query's relative dates resolved to exact
 * dates, its deadline and urgency — so the model need not do calendar arithmetic.
 */
public final class TimeContext implements ContextBuilder {
  private final Kairos kairos = new Kairos();

  @Override
  public List<ContextItem> build(ContextRequest request) {
    var reading = kairos.read(request.query(), request.now(), request.zone());
    return List.of(new ContextItem.TimeItem(kairos.render(reading)));
  }
}
