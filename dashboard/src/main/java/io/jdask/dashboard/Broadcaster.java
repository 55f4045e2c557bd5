package io.jdask.dashboard;

import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the task stream to every open page, on the pump thread, once per tick: the bars a page
 * has not had yet (all of them for a page that just connected), in slices, then the status.
 * Pages never ask; a page that reconnects simply starts again from bar 0.
 */
final class Broadcaster {
  private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);
  /**
   * Bars per message: a slice of 5,000 is about 400 kB of JSON, parsed by the page in a few ms,
   * so a page joining a 100,000-task stream catches up in 20 messages without freezing.
   */
  static final int SLICE = 5_000;
  /**
   * Slices per page per tick: a page that joins a session of a million bars catches up over a
   * few seconds instead of holding the dashboard thread (and so the draining of events) for as
   * long as it takes to serialize them all at once.
   */
  static final int SLICES_PER_TICK = 10;

  /** Open pages and how many bars each has been sent. Added/removed by Jetty threads. */
  private final Map<WsContext, int[]> pages = new ConcurrentHashMap<>();

  void opened(WsContext page) {
    pages.put(page, new int[] {0, 0}); // {bars sent, status sent at least once}
  }

  void closed(WsContext page) {
    pages.remove(page);
  }

  int pages() {
    return pages.size();
  }

  void tick(Pump.Tick tick) {
    if (pages.isEmpty()) {
      return;
    }
    StreamModel model = tick.model();
    String status = null;
    for (Map.Entry<WsContext, int[]> page : pages.entrySet()) {
      int[] sent = page.getValue();
      WsContext ws = page.getKey();
      try {
        boolean newBars = sent[0] < model.bars();
        for (int slices = 0; slices < SLICES_PER_TICK && sent[0] < model.bars(); slices++) {
          Views.Tasks slice = model.tasks(sent[0], SLICE);
          ws.send(Json.write(slice));
          sent[0] += slice.key().length;
        }
        if (tick.changed() || newBars || sent[1] == 0) {
          if (status == null) {
            status = Json.write(model.status(tick.nowNanos(), tick.jvm()));
          }
          ws.send(status);
          sent[1] = 1;
        }
      } catch (RuntimeException e) {
        log.debug("dropping dashboard page {}: {}", ws.sessionId(), e.toString());
        pages.remove(ws);
      }
    }
  }
}
