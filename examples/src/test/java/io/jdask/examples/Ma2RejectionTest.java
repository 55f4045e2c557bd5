package io.jdask.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class Ma2RejectionTest {
  @AfterAll
  static void stop() {
    Jdask.shutdown();
  }

  @Test
  void theSameSampleOnEveryBackendAndCloseToTheTruth() {
    Delayed<double[]> study = Ma2Rejection.study(7L, 100_000, 10_000, 500);
    double[] sync;
    try (var s = Config.with(Scheduler.SYNC)) {
      sync = study.compute();
    }
    assertEquals(3 * 500, sync.length);
    for (int i = 3; i < sync.length; i += 3) {
      assertTrue(sync[i] >= sync[i - 3], "kept candidates are sorted by distance");
    }
    try (var s = Config.with(Scheduler.THREADS, 2)) {
      assertArrayEquals(sync, study.compute(), "THREADS gives the same sample");
    }
    try (var s = Config.with(Scheduler.PROCESSES, 2)) {
      assertArrayEquals(sync, study.compute(), "PROCESSES gives the same sample");
    }
    double[] m = Ma2Rejection.means(sync);
    assertTrue(Math.abs(m[0] - 0.6) < 0.25 && Math.abs(m[1] - 0.2) < 0.25,
        "posterior means near the truth (0.6, 0.2): " + m[0] + ", " + m[1]);
  }

  @Test
  void thePriorIsTheIdentifiableTriangle() {
    double[] kept = Ma2Rejection.batch(1L, 0, 5_000, 5_000, 0, 0);
    for (int i = 0; i < kept.length; i += 3) {
      double t1 = kept[i + 1];
      double t2 = kept[i + 2];
      assertTrue(t1 > -2 && t1 < 2 && t2 < 1 && t2 > Math.abs(t1) - 1, "(" + t1 + ", " + t2 + ")");
    }
  }
}
