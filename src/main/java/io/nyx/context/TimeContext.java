package io.nyx.context;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Kairos: the current date, time, weekday and zone, so relative dates can be resolved. */
public final class TimeContext implements ContextBuilder {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEEE yyyy-MM-dd HH:mm:ss xxx '('VV')'", Locale.ROOT);

  @Override
  public List<ContextItem> build(ContextRequest request) {
    ZonedDateTime now = request.now().atZone(request.zone());
    return List.of(new ContextItem.TimeItem("Current time: " + FORMAT.format(now)));
  }
}
