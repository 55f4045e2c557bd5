package io.jdask.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the task stream page as one self-contained HTML file: the stylesheet, the scripts
 * and the data are inlined, so the file opens from disk, offline, with no server. The page
 * code is the live page's own ({@code taskstream.js}, {@code pages.js}), fed from the inlined
 * JSON instead of the WebSocket, so the report and the dashboard cannot drift apart.
 */
final class ReportHtml {
  private static final String BASE = "/io/jdask/dashboard/";

  private ReportHtml() {}

  static String render(StreamModel model, long nowNanos, JvmSampler jvm, String title) {
    List<Views.Tasks> slices = new ArrayList<>();
    int from = 0;
    do {
      Views.Tasks slice = model.tasks(from, Broadcaster.SLICE);
      slices.add(slice);
      from += slice.key().length;
    } while (from < model.bars());
    String data = Json.write(Map.of("tasks", slices, "status", model.status(nowNanos, jvm)));
    // Inside a <script> element only "</" can end it early; "<\/" means the same in JSON strings.
    data = data.replace("</", "<\\/");
    String js = resource("static/taskstream.js") + "\n" + resource("static/pages.js");
    return resource("report.html")
        .replace("/*CSS*/", resource("static/dashboard.css"))
        .replace("/*JS*/", js.replace("</script", "<\\/script"))
        .replace("/*TITLE*/", escape(title))
        .replace("/*SAVED*/", Instant.now().toString())
        .replace("/*DATA*/", data);
  }

  private static String resource(String name) {
    try (InputStream in = ReportHtml.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BASE + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
