package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: headless chromium opens the live page over real sockets on
 * 127.0.0.1 while a graph runs on THREADS(2), and every assertion reads the page itself (its
 * drawing model, its DOM), not the server.
 */
class DashboardBrowserIT {
  private static ChromeDriver browser;
  private static Dashboard dashboard;

  @BeforeAll
  static void open() {
    assumeTrue(Browser.available(), "needs " + Browser.CHROMIUM + " and " + Browser.CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
    dashboard = Dashboard.start("127.0.0.1", 0);
    browser = Browser.open();
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.quit();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    Jdask.shutdown();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary() {
    return (Map<String, Object>) browser.executeScript("return jdask.stream.summary();");
  }

  /** The page's counts for the bars of one run. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary(long run) {
    return (Map<String, Object>) browser.executeScript("return jdask.stream.summary(arguments[0]);", run);
  }

  private static long serverBars() throws Exception {
    String body = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(dashboard.url() + "api/status")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("bars").asLong();
  }

  /** The latest run the page knows of (from its run picker), or -1. */
  private static long latestRun() {
    Object id = browser.executeScript("const o = document.querySelectorAll('#run option'); return o.length > 1 ? o[1].value : '-1';");
    return Long.parseLong(String.valueOf(id));
  }

  private static <T> T waitFor(Function<WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(30)).until(condition);
  }

  @Test
  void taskStreamShowsEveryTaskLiveOnOneRowPerThread() throws Exception {
    browser.get(dashboard.url());
    waitFor(d -> "live".equals(d.findElement(By.id("conn")).getText()));
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      // Started from another thread so the page can be watched while it runs.
      // The page first catches up with the bars of earlier tests, then watches this run.
      long before = serverBars();
      waitFor(d -> ((Number) summary().get("bars")).longValue() == before);
      Thread run = new Thread(() -> Workload.run(2002), "workload");
      run.start();
      waitFor(d -> ((Number) summary().get("bars")).longValue() > before);
      long seenWhileRunning = ((Number) summary().get("bars")).longValue() - before;
      run.join();
      assertTrue(seenWhileRunning < 64, "bars arrived while the graph ran, not all at the end: " + seenWhileRunning);
    }
    long runId = waitFor(d -> {
      long id = latestRun();
      return id > 0 && ((Number) summary(id).get("bars")).intValue() == 64
          && ((Number) summary().get("running")).intValue() == 0 ? id : null;
    });
    Map<String, Object> s = summary(runId);
    assertEquals(2L, s.get("rows"));
    assertEquals(Map.of("load", 32L, "crunch", 32L), s.get("groups"));
    long onRows = 0;
    for (Object row : (List<?>) s.get("rowBars")) {
      Map<?, ?> r = (Map<?, ?>) row;
      assertEquals("threads", r.get("worker"));
      onRows += ((Number) r.get("bars")).longValue();
    }
    assertEquals(64, onRows);
    WebElement canvas = browser.findElement(By.id("stream"));
    assertTrue(Integer.parseInt(canvas.getDomAttribute("data-bars")) >= 64);
    assertEquals("2", canvas.getDomAttribute("data-rows"));
    assertTrue(((Number) browser.executeScript("jdask.stream.draw(); return jdask.stream.drawnBars;")).intValue() > 0);

    List<String> legend = new ArrayList<>();
    for (WebElement item : browser.findElements(By.cssSelector("#legend .legend-item"))) {
      legend.add(item.getDomAttribute("data-group"));
    }
    assertTrue(legend.containsAll(List.of("load", "crunch")), legend.toString());

    WebElement balance = browser.findElement(By.id("balance"));
    waitFor(d -> balance.getText().contains("Run #" + runId) && balance.getText().contains("finished"));
    double makespan = Double.parseDouble(balance.getDomAttribute("data-makespan-ms"));
    double lower = Double.parseDouble(balance.getDomAttribute("data-lower-bound-ms"));
    assertTrue(lower > 0 && lower <= makespan, lower + " vs " + makespan);
    assertTrue(balance.getText().contains("lower bound"));

    // Hover the middle of the first row's first bar: the tooltip names a task.
    Map<?, ?> firstBar = (Map<?, ?>) browser.executeScript(
        "const s = jdask.stream, r = s.order[0]; const k = (s.canvas.clientWidth - 210) / (s.t1 - s.t0);"
            + "return {x: 210 + ((r.start[0] + r.end[0]) / 2 - s.t0) * k, y: 24 + 11};");
    int w = canvas.getRect().getWidth();
    int h = canvas.getRect().getHeight();
    new Actions(browser).moveToElement(canvas, (int) ((Number) firstBar.get("x")).doubleValue() - w / 2,
        (int) ((Number) firstBar.get("y")).doubleValue() - h / 2).perform();
    WebElement tip = browser.findElement(By.id("tooltip"));
    waitFor(d -> tip.isDisplayed());
    assertTrue(tip.getText().matches("(?s).*key: (load|crunch)-.*group: (load|crunch).*worker: threads / .*duration: .*"), tip.getText());

    // Each row shows its busy percentage in the selected run.
    assertEquals(2L, browser.executeScript("return jdask.stream.busy.size;"));

    // Zoom with the wheel around the cursor, then pan by dragging: the time window follows.
    List<?> fit = (List<?>) browser.executeScript("jdask.stream.fit(); jdask.stream.draw(); return [jdask.stream.t0, jdask.stream.t1];");
    double fitSpan = ((Number) fit.get(1)).doubleValue() - ((Number) fit.get(0)).doubleValue();
    new Actions(browser).scrollFromOrigin(
        org.openqa.selenium.interactions.WheelInput.ScrollOrigin.fromElement(canvas, 200, 0), 0, -600).perform();
    List<?> zoomed = (List<?>) browser.executeScript("jdask.stream.draw(); return [jdask.stream.t0, jdask.stream.t1];");
    double zoomedSpan = ((Number) zoomed.get(1)).doubleValue() - ((Number) zoomed.get(0)).doubleValue();
    assertTrue(zoomedSpan < fitSpan * 0.8, "wheel zooms in: " + fitSpan + " -> " + zoomedSpan);
    new Actions(browser).moveToElement(canvas, 100, 0).clickAndHold().moveByOffset(-200, 0).release().perform();
    List<?> panned = (List<?>) browser.executeScript("jdask.stream.draw(); return [jdask.stream.t0, jdask.stream.t1];");
    assertTrue(((Number) panned.get(0)).doubleValue() > ((Number) zoomed.get(0)).doubleValue(), "dragging left moves later in time");
    assertEquals(zoomedSpan, ((Number) panned.get(1)).doubleValue() - ((Number) panned.get(0)).doubleValue(), zoomedSpan * 1e-6);
    browser.executeScript("jdask.stream.fit();");

    // The progress section of the same page, from the DOM.
    WebElement load = browser.findElement(By.cssSelector("#progress .run .group[data-group='load']"));
    assertEquals("32", load.getDomAttribute("data-done"));
    assertEquals("0", load.getDomAttribute("data-waiting"));
    Path shot = Browser.screenshot(browser, "dashboard-taskstream.png");
    assertTrue(Files.size(shot) > 10_000);
  }

  @Test
  void progressWorkersAndGraphPagesShowTheRun() throws Exception {
    Delayed<Long> total = Delayed.of((List<Long> xs) -> xs.stream().mapToLong(Long::longValue).sum())
        .name("total").call(Delayed.list(Workload.graph(3)));
    dashboard.showGraph(total);
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      total.compute();
    }
    browser.get(dashboard.url() + "progress.html");
    WebElement crunch = waitFor(d -> d.findElement(By.cssSelector("#progress .run .group[data-group='crunch']")));
    assertEquals("32", crunch.getDomAttribute("data-total"));
    assertEquals("32", crunch.getDomAttribute("data-done"));
    Browser.screenshot(browser, "dashboard-progress.png");

    browser.get(dashboard.url() + "workers.html");
    WebElement threads = waitFor(d -> d.findElement(By.cssSelector("tr[data-worker='threads']")));
    assertTrue(threads.getText().contains("this JVM"), threads.getText());
    assertTrue(threads.getText().matches("(?s).*\\d+(\\.\\d)? MiB.*"), threads.getText());
    Browser.screenshot(browser, "dashboard-workers.png");

    browser.get(dashboard.url() + "graph.html");
    WebElement graph = browser.findElement(By.id("graph"));
    waitFor(d -> graph.getDomAttribute("data-nodes") != null);
    // 64 tasks, the list that gathers them, and the total; all of them have run.
    String states = graph.getDomAttribute("data-states");
    assertEquals("66", graph.getDomAttribute("data-nodes"), states);
    assertTrue(!states.contains("waiting") && !states.contains("running"), states);
    Browser.screenshot(browser, "dashboard-graph.png");
  }

  @Test
  void theGraphPageDrawsAPlainRunWithoutShowGraph() throws Exception {
    // A dashboard of its own: the shared one may have a graph pinned by showGraph already.
    try (Dashboard plain = Dashboard.start("127.0.0.1", 0)) {
      try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
        Workload.run(4);
      }
      long run = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(java.net.http.HttpClient.newHttpClient().send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(plain.url() + "api/runs")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body())
          .get(0).get("id").asLong();
      browser.get(plain.url() + "graph.html");
      WebElement graph = browser.findElement(By.id("graph"));
      WebElement note = browser.findElement(By.id("graph-note"));
      waitFor(d -> String.valueOf(run).equals(graph.getDomAttribute("data-run")));
      // Every load's result was released once its crunch ran; the crunches are the outputs.
      waitFor(d -> "{\"released\":32,\"memory\":32}".equals(graph.getDomAttribute("data-states")));
      assertEquals(String.valueOf(Workload.TASKS), graph.getDomAttribute("data-nodes"));
      assertTrue(note.getText().startsWith("Run " + run + ": 64 tasks, 32 edges"), note.getText());
      Browser.screenshot(browser, "dashboard-graph-of-a-run.png");

      // A run above the limit is not drawn; the page says why and leaves no stale drawing.
      List<Delayed<Integer>> leaves = new ArrayList<>();
      for (int i = 0; i < GraphView.MAX_NODES; i++) {
        leaves.add(Delayed.of(DashboardBrowserIT::divide).name("leaf").call(i, 1));
      }
      try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
        Delayed.list(leaves).compute();
      }
      waitFor(d -> note.getText().contains("has 5,001 tasks"));
      assertNull(graph.getDomAttribute("data-nodes"));
    }
  }

  static int divide(int a, int b) {
    return a / b;
  }

  @Test
  void aFailedTaskIsMarkedOnThePage() throws Exception {
    browser.get(dashboard.url());
    waitFor(d -> "live".equals(d.findElement(By.id("conn")).getText()));
    List<Delayed<Integer>> parts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      parts.add(Delayed.of(DashboardBrowserIT::divide).name("divide").call(8, i == 5 ? 0 : 1));
    }
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      org.junit.jupiter.api.Assertions.assertThrows(io.jdask.TaskFailedException.class, () -> Jdask.compute(parts));
    }
    long run = waitFor(d -> {
      long id = latestRun();
      return id > 0 && ((Number) summary(id).get("failed")).intValue() == 1 ? id : null;
    });
    WebElement divide = waitFor(d -> d.findElement(By.cssSelector("#progress .run[data-run='" + run + "'] .group[data-group='divide']")));
    waitFor(d -> "1".equals(divide.getDomAttribute("data-failed")));
    assertTrue(browser.findElement(By.id("balance")).getText().contains("(failed)"));
    Browser.screenshot(browser, "dashboard-failed.png");
  }

  /**
   * Long enough for each task to be timed, and drawn, on its own: tasks under the task stream's
   * 50 µs share bars.
   */
  private static final int TASK_MICROS = 60;

  /**
   * The frame time the issue asks for: 100,000 bars delivered to the page over the WebSocket,
   * then frames drawn with the whole run in view and, zoomed to 5% of it, while panning.
   */
  @Test
  void hundredThousandTasksStaySmooth() throws Exception {
    browser.get(dashboard.url());
    waitFor(d -> "live".equals(d.findElement(By.id("conn")).getText()));
    int leaves = 50_001;
    int tasks = 2 * leaves - 1;
    long before = serverBars();
    try (Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      assertEquals((long) leaves * (leaves - 1) / 2, Workload.tree(leaves, TASK_MICROS).compute());
    }
    long t0 = System.nanoTime();
    waitFor(d -> ((Number) summary().get("bars")).longValue() == before + tasks);
    double deliveredMs = (System.nanoTime() - t0) / 1e6;
    long run = latestRun();
    // Besides the whole run, the window holding its first half of the bars: where bars are
    // densest, so the most rectangles per frame.
    String span = "const sp = jdask.stream.spanOf(" + run + "), ends = [];"
        + "for (const r of jdask.stream.order) for (let i = 0; i < r.n; i++) ends.push(r.end[i]);"
        + "ends.sort((a, b) => a - b); const half = [sp[0], ends[ends.length >> 1]];";
    Map<?, ?> all = (Map<?, ?>) browser.executeScript(span + "return jdask.stream.benchmark(30, sp);");
    Map<?, ?> zoomed = (Map<?, ?>) browser.executeScript(span + "return jdask.stream.benchmark(30, half);");
    double presented = ((Number) browser.executeAsyncScript(span
        + "jdask.stream.benchmarkFrames(60, half, arguments[arguments.length - 1]);")).doubleValue();
    String report = String.format("task stream frame time, %d bars in the page, run of %d tasks in view (headless chromium, --disable-gpu):%n"
        + "  whole run in view: draw() median %.2f ms, max %.2f ms, %s rectangles drawn%n"
        + "  zoomed to its first half of the bars, panning: draw() median %.2f ms, max %.2f ms, %s rectangles drawn%n"
        + "  60 animation frames panning that window: %.1f ms per presented frame%n"
        + "  all bars in the page %.0f ms after compute() returned%n",
        ((Number) all.get("bars")).intValue(), tasks, num(all, "medianMs"), num(all, "maxMs"), all.get("drawnBars"),
        num(zoomed, "medianMs"), num(zoomed, "maxMs"), zoomed.get("drawnBars"), presented, deliveredMs);
    System.out.print(report);
    Files.writeString(Path.of("target", "frame-times.txt"), report);
    Browser.screenshot(browser, "dashboard-100k.png");
    // Smooth is under a 60 Hz frame; the bound is looser so a busy CI machine does not flake.
    assertTrue(num(all, "medianMs") < 50 && num(zoomed, "medianMs") < 50, report);
  }

  private static double num(Map<?, ?> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }

  @Test
  void reportFileOpensOfflineWithTheTaskStream() throws Exception {
    Path file = Path.of("target", "report-browser.html").toAbsolutePath();
    try (PerformanceReport r = PerformanceReport.to(file);
        Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      Workload.run(11);
    }
    browser.get(file.toUri().toString());
    Map<String, Object> s = waitFor(d -> {
      Map<String, Object> m = summary();
      return ((Number) m.get("bars")).intValue() > 0 ? m : null;
    });
    assertEquals(64L, s.get("bars"));
    assertEquals(2L, s.get("rows"));
    assertEquals(Map.of("load", 32L, "crunch", 32L), s.get("groups"));
    assertTrue(browser.findElement(By.id("balance")).getText().contains("makespan"));
    Browser.screenshot(browser, "report.png");
  }
}
