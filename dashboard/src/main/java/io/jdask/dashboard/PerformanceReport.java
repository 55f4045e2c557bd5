package io.jdask.dashboard;

import io.jdask.spi.EventClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records every computation of a block and, when closed, writes them as one self-contained
 * HTML file: the task stream (with load balance) and progress, viewable offline, to keep or
 * send to a colleague.
 *
 * <pre>{@code
 * try (var r = PerformanceReport.to(Path.of("report.html"))) {
 *   result = graph.compute();
 * }   // report.html is written here
 * }</pre>
 *
 * <p>No server is started. While open, a daemon thread ({@code jdask-report}) moves queued
 * events into the report's model every 200 ms, so worker threads only queue, as they do for
 * the dashboard; it stops on close.
 */
public final class PerformanceReport implements AutoCloseable {
  private final Path path;
  private final Pump pump;
  private boolean closed;

  private PerformanceReport(Path path) {
    this.path = path;
    this.pump = new Pump("jdask-report", 200, tick -> {});
  }

  /** Starts recording; the file is written by {@link #close()}. */
  public static PerformanceReport to(Path path) {
    return new PerformanceReport(path);
  }

  public Path path() {
    return path;
  }

  /** Stops recording and writes the file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pump.close();
    pump.jvm().refresh();
    String html = ReportHtml.render(pump.model(), EventClock.epochNanos(), pump.jvm(), path.getFileName().toString());
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(path, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the performance report " + path, e);
    }
  }
}
