package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The JSON API over real HTTP on 127.0.0.1, after a real computation on THREADS(2). */
class DashboardApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterAll
  static void shutdown() {
    Jdask.shutdown();
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  @Test
  void apiDescribesTheTaskStreamProgressAndBalanceOfARun() throws Exception {
    try (Dashboard d = Dashboard.start("127.0.0.1", 0);
        Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      Workload.run(7);
      JsonNode tasks = get(d.url() + "api/tasks");
      assertEquals(64, tasks.get("total").asInt());
      assertEquals(64, tasks.get("key").size());
      assertEquals(2, tasks.get("rows").size(), "two worker threads: " + tasks.get("rows"));
      Set<String> groups = new HashSet<>();
      tasks.get("groups").forEach(g -> groups.add(g.asText()));
      assertEquals(Set.of("load", "crunch"), groups);
      for (int i = 0; i < 64; i++) {
        assertTrue(tasks.get("end").get(i).asDouble() - tasks.get("start").get(i).asDouble() >= 4.5,
            "a task sleeps at least 5 ms");
      }
      JsonNode slice = get(d.url() + "api/tasks?from=60&limit=10");
      assertEquals(60, slice.get("first").asInt());
      assertEquals(4, slice.get("key").size());

      JsonNode runs = get(d.url() + "api/runs");
      JsonNode run = runs.get(runs.size() - 1);
      assertEquals("finished", run.get("state").asText());
      assertEquals(64, run.get("totalTasks").asInt());
      for (JsonNode g : run.get("groups")) {
        assertEquals(32, g.get("total").asInt());
        assertEquals(32, g.get("done").asInt());
        assertEquals(0, g.get("waiting").asInt());
      }
      JsonNode b = run.get("balance");
      assertEquals(2, b.get("threads").asInt());
      double makespan = b.get("makespanMs").asDouble();
      double lower = b.get("lowerBoundMs").asDouble();
      assertTrue(lower > 64 * 5 / 2.0 && lower <= makespan, "lower bound " + lower + " vs makespan " + makespan);
      assertEquals(2 * makespan - b.get("busyMs").asDouble(), b.get("idleMs").asDouble(), 0.01);
      assertEquals(2, b.get("rows").size());
      assertEquals(run, get(d.url() + "api/runs/" + run.get("id").asLong()));

      JsonNode workers = get(d.url() + "api/workers");
      JsonNode w = workers.get(0);
      assertEquals("threads", w.get("worker").asText());
      assertEquals(2, w.get("threads").asInt());
      assertTrue(w.get("heapUsedBytes").asLong() > 0);

      JsonNode status = get(d.url() + "api/status");
      assertEquals(64, status.get("bars").asInt());
      assertEquals(0, status.get("running").size());

      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(d.url())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("taskstream.js"));
    }
  }

  @Test
  void theGraphOfEveryRunIsServedWithoutShowGraph() throws Exception {
    try (Dashboard d = Dashboard.start("127.0.0.1", 0);
        Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      assertTrue(get(d.url() + "api/graph").get("note").asText().startsWith("no run yet"));
      Workload.run(11);
      long run = get(d.url() + "api/runs").get(0).get("id").asLong();
      // Each load's result is released once its crunch ran; the crunches are outputs, kept.
      Map<String, Integer> expected = Map.of("load released", 32, "crunch memory", 32);
      Map<String, Integer> states = Map.of();
      JsonNode graph = null;
      for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline && !states.equals(expected); ) {
        graph = get(d.url() + "api/graph");
        Map<String, Integer> counts = new HashMap<>();
        graph.get("nodes").forEach(n -> counts.merge(n.get("group").asText() + " " + n.get("state").asText(), 1, Integer::sum));
        states = counts;
      }
      assertEquals(expected, states);
      assertEquals(run, graph.get("run").asLong());
      assertEquals(32, graph.get("edges").size(), "load -> crunch");
    }
  }

  @Test
  void syncRunsOnTheCallersThreadAsOneRow() throws Exception {
    try (Dashboard d = Dashboard.start("127.0.0.1", 0);
        Config.Scope sync = Config.with(Scheduler.SYNC)) {
      Workload.run(5);
      JsonNode tasks = get(d.url() + "api/tasks");
      assertEquals(64, tasks.get("total").asInt());
      assertEquals(1, tasks.get("rows").size());
      assertEquals("sync", tasks.get("rows").get(0).get("worker").asText());
      assertEquals(Thread.currentThread().getName(), tasks.get("rows").get(0).get("thread").asText());
      JsonNode runs = get(d.url() + "api/runs");
      JsonNode b = runs.get(runs.size() - 1).get("balance");
      assertEquals(1, b.get("threads").asInt());
      assertTrue(b.get("efficiency").asDouble() > 0.5, "one thread running tasks back to back: " + b);
    }
  }

  @Test
  void aTakenPortIsReportedAndAFreeOneTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Dashboard d = Dashboard.start("127.0.0.1", taken.getLocalPort())) {
      assertNotEquals(taken.getLocalPort(), d.port());
      assertTrue(d.url().endsWith(":" + d.port() + "/"));
      assertEquals(0, get(d.url() + "api/status").get("bars").asInt());
    }
  }

  @Test
  void closingStopsEveryThreadItStarted() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (Dashboard d = Dashboard.start("127.0.0.1", 0)) {
      get(d.url() + "api/status");
      // A page's WebSocket too: it gets a status within a tick or two.
      java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .buildAsync(URI.create(d.url().replace("http://", "ws://") + "ws"), new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
              first.complete(data.toString());
              return null;
            }
          }).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(first.get(10, java.util.concurrent.TimeUnit.SECONDS).contains("\"type\":\"status\""));
      ws.abort();
    }
    Thread.sleep(200);
    Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
    after.removeAll(before);
    // The test's own HTTP client runs on HttpClient threads and, on JDK 25, completes WebSocket
    // stages on the JVM's common ForkJoinPool; the dashboard uses neither.
    after.removeIf(t -> !t.isAlive() || t.getName().startsWith("HttpClient") || t.getName().startsWith("jdask-threads")
        || t.getName().startsWith("ForkJoinPool.commonPool-worker"));
    StringBuilder where = new StringBuilder();
    for (Thread t : after) {
      where.append(t).append(java.util.Arrays.toString(t.getStackTrace())).append('\n');
    }
    assertEquals(Set.of(), after, "threads left behind: " + where);
  }
}
