package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.contract.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void showsDoneOverTotalAndElapsedTimeOnALongCompute() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<Delayed<?>> work = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      work.add(Delayed.of(Fixtures::sleepThenReturn).call(40, i));
    }
    try (Config.Scope s = Config.with(Scheduler.SYNC);
        ProgressBar bar = ProgressBar.show(out, Duration.ofMillis(100))) {
      Jdask.compute(work);
    }
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(shown.contains("10/10 tasks"), shown);
    assertTrue(shown.contains("100%"), shown);
    assertTrue(shown.matches("(?s).*\\| \\d+\\.\\d s.*"), shown);
    assertTrue(shown.contains("/10 tasks") && shown.indexOf("/10 tasks") < shown.indexOf("10/10 tasks"),
        "it redraws while running: " + shown);
    assertTrue(shown.endsWith(System.lineSeparator()), "the last line is ended");
  }

  @Test
  void aShortComputeDrawsNothingAndClosingStopsTheThread() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Config.Scope s = Config.with(Scheduler.SYNC);
        ProgressBar bar = ProgressBar.show(out, Duration.ofSeconds(30))) {
      assertEquals(3, Delayed.of(Fixtures::inc).call(2).compute());
    }
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    Thread.sleep(50);
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("jdask-progress")),
        "no progress thread is left running");
  }
}
