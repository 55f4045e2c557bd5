package io.jdask.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Jdask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-balance example at a tenth of its durations: two reports, and dynamic wins. */
class LoadBalanceTest {
  @AfterAll
  static void shutdown() {
    Jdask.shutdown();
  }

  @Test
  void staticChainsWaitForTheLongestChainAndDynamicDoesNot(@TempDir Path dir) throws Exception {
    int[] ms = LoadBalance.durations(2002L, 20);
    long longestChain = 0;
    for (int w = 0; w < LoadBalance.WORKERS; w++) {
      long chain = 0;
      for (int i = w; i < LoadBalance.TASKS; i += LoadBalance.WORKERS) {
        chain += ms[i];
      }
      longestChain = Math.max(longestChain, chain);
    }
    LoadBalance.Result fixed = LoadBalance.run("static", LoadBalance.staticGraph(ms), dir);
    LoadBalance.Result dynamic = LoadBalance.run("dynamic", LoadBalance.dynamicGraph(ms), dir);
    assertTrue(fixed.makespanMs() >= longestChain, fixed + " vs chain of " + longestChain);
    for (LoadBalance.Result r : new LoadBalance.Result[] {fixed, dynamic}) {
      String html = Files.readString(r.report());
      // The report's data: one slice of bars holding the 64 tasks, all in group "task", on 4
      // rows. A task of 0 ms (sleep(0)) is too short to be timed on its own and shares a bar
      // with the next task on its thread, so there may be fewer bars than tasks.
      Matcher tasks = Pattern.compile("\"tasks\":\\[([0-9][0-9,]*)\\]").matcher(html);
      assertTrue(tasks.find());
      int inBars = 0;
      for (String n : tasks.group(1).split(",")) {
        inBars += Integer.parseInt(n.trim());
      }
      assertEquals(64, inBars);
      assertTrue(html.contains("\"groups\":[\"task\"]"));
      assertEquals(4, html.split("\"thread\":\"jdask-threads-").length - 1, "four rows");
    }
  }
}
