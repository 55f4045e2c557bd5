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
      // The report's data: one slice of 64 bars, all in group "task", on 4 rows.
      Matcher keys = Pattern.compile("\"key\":\\[([^\\]]*)\\]").matcher(html);
      assertTrue(keys.find());
      assertEquals(64, keys.group(1).split(",").length);
      assertTrue(html.contains("\"groups\":[\"task\"]"));
      assertEquals(4, html.split("\"thread\":\"jdask-threads-").length - 1, "four rows");
    }
  }
}
