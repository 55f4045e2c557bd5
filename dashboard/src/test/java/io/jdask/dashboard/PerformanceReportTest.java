package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report file itself: self-contained, and holding the block's task stream and progress. */
class PerformanceReportTest {
  @AfterAll
  static void shutdown() {
    Jdask.shutdown();
  }

  @Test
  void writesOneSelfContainedFileWithTheBlocksTasks(@TempDir Path dir) throws Exception {
    Workload.run(1); // before the block: not in the report
    Path file = dir.resolve("sub/report.html");
    try (PerformanceReport r = PerformanceReport.to(file);
        Config.Scope threads = Config.with(Scheduler.THREADS, 2)) {
      Workload.run(2);
      assertFalse(Files.exists(file), "written on close");
    }
    Workload.run(3); // after it: not in the report either
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("jdask-report")));

    String html = Files.readString(file);
    assertFalse(Pattern.compile("<(script|link|img)[^>]+(src|href)=").matcher(html).find(), "nothing loaded from elsewhere");
    assertTrue(html.contains("class TaskStream"), "the task stream code is inlined");
    Matcher data = Pattern.compile("<script id=\"jdask-data\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL).matcher(html);
    assertTrue(data.find());
    JsonNode json = new ObjectMapper().readTree(data.group(1));
    JsonNode tasks = json.get("tasks").get(0);
    assertEquals(64, tasks.get("total").asInt());
    assertEquals(2, tasks.get("rows").size());
    Set<String> groups = new HashSet<>();
    tasks.get("groups").forEach(g -> groups.add(g.asText()));
    assertEquals(Set.of("load", "crunch"), groups);
    JsonNode runs = json.get("status").get("runs");
    assertEquals(1, runs.size());
    assertEquals("finished", runs.get(0).get("state").asText());
    assertEquals(2, runs.get(0).get("groups").size());
  }
}
