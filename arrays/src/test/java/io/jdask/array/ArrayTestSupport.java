package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jdask.Config;
import io.jdask.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Runs each test on THREADS(2) by default and fails it if any chunk memory is still held when
 * it ends (allowing a failed run's last running tasks a few seconds to end): every chunk a
 * computation makes must be released by then.
 */
abstract class ArrayTestSupport {
  private Config.Scope scope;

  protected Config.Scope backend() {
    return Config.with(Scheduler.THREADS, 2);
  }

  @BeforeEach
  void selectBackend() {
    scope = backend();
  }

  @AfterEach
  void noChunkMemoryIsLeftBehind() throws InterruptedException {
    scope.close();
    // compute() throws as soon as a task fails; tasks still running then finish on their own,
    // and the run frees what it holds when the last of them ends. Give them that time.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ArrayMemory.allocatedBytes() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, ArrayMemory.allocatedBytes(), "chunk memory still allocated after the test");
  }

  static void assertClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-9 * Math.max(1, Math.abs(expected[i]));
      if (Double.isNaN(expected[i])) {
        assertEquals(Double.NaN, actual[i], "element " + i);
      } else {
        assertEquals(expected[i], actual[i], tol, "element " + i);
      }
    }
  }

  static void assertShape(long[] expected, ComputedArray a) {
    assertArrayEquals(expected, a.shape(), "shape");
  }
}
