package io.jdask.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.jdask.Config;
import io.jdask.graph.TaskHandle;
import io.jdask.spi.EventClock;
import java.net.BindException;
import java.util.Arrays;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: a small web server that shows every computation of this JVM as it runs.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.start()) {   // prints: jdask dashboard: http://127.0.0.1:8787/
 *   tree.compute();
 * }
 * }</pre>
 *
 * <p>It subscribes to the event stream ({@code io.jdask.spi.TaskEvents}) and knows nothing
 * else about backends, so it shows SYNC, THREADS, a user's executor, and any backend that
 * publishes events. Worker threads only queue events; one dashboard thread ({@code
 * jdask-dashboard}) turns them into the pages' model and pushes batches to open pages over a
 * WebSocket every 100 ms. The same model answers the JSON API ({@code docs/dashboard.md}).
 *
 * <p>The address is {@code 127.0.0.1:8787} unless given, or set as {@code dashboard.address}
 * in {@link Config} ({@code -Djdask.dashboard.address=0.0.0.0:8787}, {@code
 * JDASK_DASHBOARD_ADDRESS}). If the port is taken the dashboard says so and takes a free one.
 * Closing it stops the server's and its own threads.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8787;
  /** Batches per second to open pages: live to the eye, cheap for the browser. */
  static final long TICK_MILLIS = 100;

  private final Broadcaster broadcaster = new Broadcaster();
  private final Pump pump;
  private final Javalin server;
  private final String url;

  private Dashboard(String host, int port) {
    pump = new Pump("jdask-dashboard", TICK_MILLIS, broadcaster::tick);
    Javalin started;
    try {
      started = startServer(host, port);
    } catch (RuntimeException e) {
      if (port == 0 || !isBindFailure(e)) {
        pump.close();
        throw e;
      }
      try {
        started = startServer(host, 0);
      } catch (RuntimeException again) {
        pump.close();
        throw again;
      }
      log.warn("port {} on {} is in use; the dashboard took port {}", port, host, started.port());
    }
    server = started;
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    url = "http://" + shownHost + ":" + server.port() + "/";
  }

  /** Starts the dashboard at {@code dashboard.address} from {@link Config}, else 127.0.0.1:8787, and prints its URL. */
  public static Dashboard start() {
    String address = Config.get("dashboard.address").orElse(DEFAULT_HOST + ":" + DEFAULT_PORT);
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return start(address, DEFAULT_PORT);
    }
    return start(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
  }

  /** Starts the dashboard on this host and port (0: any free port), and prints its URL. */
  public static Dashboard start(String host, int port) {
    Dashboard d = new Dashboard(host, port);
    // The one line the library prints: the user needs it to open the page.
    System.out.println("jdask dashboard: " + d.url + (port != 0 && d.port() != port ? "  (port " + port + " was in use)" : ""));
    return d;
  }

  public String url() {
    return url;
  }

  public int port() {
    return server.port();
  }

  /**
   * Shows the graph behind these outputs on the graph page from now on, coloured by the state of
   * each task as events of any run arrive (up to {@value GraphView#MAX_NODES} tasks). Without it
   * the page draws the latest run of at most that many tasks; use this to watch the part of a
   * larger graph behind some outputs, or to keep one graph on the page across runs.
   */
  public void showGraph(TaskHandle... outputs) {
    GraphView g = GraphView.of(Arrays.stream(outputs).map(TaskHandle::task).toList());
    pump.query(m -> {
      m.graph(g);
      return null;
    });
  }

  @Override
  public void close() {
    server.stop();
    pump.close();
  }

  private Javalin startServer(String host, int port) {
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.startup.startupWatcherEnabled = false; // its thread sleeps on after the server stops
      config.staticFiles.add("/io/jdask/dashboard/static", Location.CLASSPATH);
      config.routes.get("/api/status", ctx -> json(ctx, m -> m.status(EventClock.epochNanos(), pump.jvm())));
      config.routes.get("/api/runs", ctx -> json(ctx, m -> m.status(EventClock.epochNanos(), pump.jvm()).runs()));
      config.routes.get("/api/runs/{id}", ctx -> {
        long id = Long.parseLong(ctx.pathParam("id"));
        Object run = pump.query(m -> m.run(id, EventClock.epochNanos()));
        if (run == null) {
          ctx.status(404).result("{\"error\":\"no run " + id + "\"}").contentType("application/json");
        } else {
          ctx.contentType("application/json").result(Json.write(run));
        }
      });
      config.routes.get("/api/tasks", ctx -> {
        int from = intParam(ctx, "from", 0);
        int limit = intParam(ctx, "limit", Integer.MAX_VALUE);
        json(ctx, m -> m.tasks(from, limit));
      });
      config.routes.get("/api/workers", ctx -> json(ctx, m -> m.workers(EventClock.epochNanos(), pump.jvm())));
      config.routes.get("/api/graph", ctx -> json(ctx, StreamModel::graphView));
      config.routes.ws("/ws", ws -> {
        ws.onConnect(broadcaster::opened);
        ws.onClose(broadcaster::closed);
        ws.onError(broadcaster::closed);
      });
    });
    try {
      return app.start(host, port);
    } catch (RuntimeException e) {
      app.stop(); // a failed start leaves Jetty's threads behind otherwise
      throw e;
    }
  }

  private void json(Context ctx, Function<StreamModel, Object> view) {
    // Views are copies (or, for the graph's edges, never written again), so they are built on
    // the pump thread and serialized here, off it: the pump keeps draining events meanwhile.
    Object v = pump.query(view);
    ctx.contentType("application/json").result(Json.write(v));
  }

  private static int intParam(Context ctx, String name, int dflt) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? dflt : Integer.parseInt(v);
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || t instanceof io.javalin.util.JavalinBindException) {
        return true;
      }
    }
    return false;
  }
}
