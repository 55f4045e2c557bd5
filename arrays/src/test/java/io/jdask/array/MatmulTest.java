package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MatmulTest extends ArrayTestSupport {
  @AfterAll
  static void stopWorkers() {
    Jdask.shutdown();
  }

  /** The reference: a plain triple loop over row-major a (m x k) and b (k x n). */
  private static double[] tripleLoop(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  private static long[] tripleLoop(long[] a, long[] b, int m, int k, int n) {
    long[] c = new long[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        long s = 0;
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  @Test
  void matchesTheTripleLoopWhenChunksDoNotDivideTheShapes() {
    double[] a = Ref.randomData(1, new long[] {37, 23});
    double[] b = Ref.randomData(2, new long[] {23, 19});
    NdArray x = NdArray.fromArray(a, new long[] {37, 23}, new long[] {10, 7});
    NdArray y = NdArray.fromArray(b, new long[] {23, 19}, new long[] {7, 5});
    NdArray z = x.matmul(y);
    assertEquals(DType.FLOAT64, z.dtype());
    assertArrayEquals(new long[][] {{10, 10, 10, 7}, {5, 5, 5, 4}}, z.chunks());
    ComputedArray r = z.compute();
    assertShape(new long[] {37, 19}, r);
    assertClose(tripleLoop(a, b, 37, 23, 19), r.toDoubleArray());
  }

  @Test
  void rechunksTheRightOperandWhenItsRowsAreCutDifferently() {
    double[] a = Ref.randomData(3, new long[] {37, 23});
    double[] b = Ref.randomData(4, new long[] {23, 19});
    NdArray x = NdArray.fromArray(a, new long[] {37, 23}, new long[] {10, 7});
    NdArray y = NdArray.fromArray(b, new long[] {23, 19}, new long[] {6, 8});
    Map<String, Integer> finished = finishedPerGroup(() -> assertClose(tripleLoop(a, b, 37, 23, 19), x.matmul(y).compute().toDoubleArray()));
    assertTrue(finished.getOrDefault("rechunk", 0) > 0, "y was rechunked: " + finished);
  }

  @Test
  void manyInnerBlocksAreSummedByATreeOfAtMostEightInputs() {
    long[] sa = {6, 100};
    long[] sb = {100, 5};
    double[] a = Ref.randomData(5, sa);
    double[] b = Ref.randomData(6, sb);
    NdArray x = NdArray.fromArray(a, sa, new long[] {-1, 2});
    NdArray y = NdArray.fromArray(b, sb, new long[] {2, -1});
    Map<String, Integer> finished = finishedPerGroup(() -> assertClose(tripleLoop(a, b, 6, 100, 5), x.matmul(y).compute().toDoubleArray()));
    assertEquals(50, finished.get("matmul"), "one product per inner block");
    // 50 products: 7 combines of up to 8 (6 x 8 + 1 x 2), then one of those 7
    assertEquals(8, finished.get("matmul-sum"), "combines of the sum tree");
  }

  @Test
  void aLongInnerDimensionHoldsAtMostOneCombinesWorthOfProducts() {
    NdArray x = NdArray.random(13).uniform(new long[] {4, 640}, new long[] {-1, 10});
    NdArray y = NdArray.random(14).uniform(new long[] {640, 3}, new long[] {10, -1});
    AtomicInteger alive = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    TaskListener l = new TaskListener() {
      @Override
      public void onTask(TaskEvent e) {
        if (e.group().equals("matmul")) {
          if (e.state() == TaskEvent.State.FINISHED) {
            most.accumulateAndGet(alive.incrementAndGet(), Math::max);
          } else if (e.state() == TaskEvent.State.RELEASED) {
            alive.decrementAndGet();
          }
        }
      }
    };
    try (Config.Scope s = Config.with(Scheduler.SYNC); var sub = TaskEvents.subscribe(l)) {
      x.matmul(y).compute();
    }
    assertEquals(0, alive.get(), "every product was released");
    assertTrue(most.get() > 1 && most.get() <= ReduceOptions.DEFAULT_SPLIT_EVERY, "64 products, " + most.get() + " alive at once");
  }

  @Test
  void anEmptyInnerDimensionGivesZeros() {
    ComputedArray z = NdArray.zeros(new long[] {3, 0}, new long[] {2, 1})
        .matmul(NdArray.zeros(new long[] {0, 4}, new long[] {1, 3})).compute();
    assertShape(new long[] {3, 4}, z);
    assertArrayEquals(new double[12], z.toDoubleArray());
  }

  @Test
  void vectorOperandsLoseTheirAxisAsInNumPy() {
    double[] m = Ref.randomData(7, new long[] {13, 9});
    double[] v13 = Ref.randomData(8, new long[] {13});
    double[] v9 = Ref.randomData(9, new long[] {9});
    NdArray mat = NdArray.fromArray(m, new long[] {13, 9}, new long[] {4, 4});
    NdArray left = NdArray.fromArray(v13, new long[] {13}, new long[] {5});
    NdArray right = NdArray.fromArray(v9, new long[] {9}, new long[] {2});

    ComputedArray vm = left.matmul(mat).compute();
    assertShape(new long[] {9}, vm);
    assertClose(tripleLoop(v13, m, 1, 13, 9), vm.toDoubleArray());

    ComputedArray mv = mat.matmul(right).compute();
    assertShape(new long[] {13}, mv);
    assertClose(tripleLoop(m, v9, 13, 9, 1), mv.toDoubleArray());

    ComputedArray vv = left.matmul(NdArray.fromArray(v13, new long[] {13}, new long[] {3})).compute();
    assertShape(new long[0], vv);
    assertClose(tripleLoop(v13, v13, 1, 13, 1), new double[] {vv.doubleValue()});
  }

  @Test
  void integerProductsAreExactBeyondTwoToThe53() {
    int m = 3;
    int k = 5;
    int n = 4;
    long[] a = new long[m * k];
    long[] b = new long[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1_000_000_007L + 2 * i;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 999_999_937L - 3 * i;
    }
    long[] expected = tripleLoop(a, b, m, k, n);
    assertTrue(expected[0] > (1L << 53), "beyond 2^53");
    NdArray z = NdArray.fromArray(a, new long[] {m, k}, new long[] {2, 2})
        .matmul(NdArray.fromArray(b, new long[] {k, n}, new long[] {2, 3}));
    assertEquals(DType.INT64, z.dtype());
    assertArrayEquals(expected, z.compute().toLongArray());
    // which a computation in double would not be
    double[] inexact = tripleLoop(toDoubles(a), toDoubles(b), m, k, n);
    boolean differs = false;
    for (int i = 0; i < expected.length; i++) {
      differs |= expected[i] != (long) inexact[i];
    }
    assertTrue(differs, "the test values are beyond what double represents");

    NdArray zi = NdArray.fromArray(new int[] {2_000_000_000, -2_000_000_000, 3, 1_999_999_999}, new long[] {2, 2}, new long[] {1, 1})
        .matmul(NdArray.fromArray(new int[] {2_000_000_000, 1, -1, 0}, new long[] {2, 2}, new long[] {1, 1}));
    assertEquals(DType.INT64, zi.dtype(), "int32 @ int32 multiplies in int64");
    assertArrayEquals(new long[] {4_000_000_002_000_000_000L, 2_000_000_000L, 4_000_000_001L, 3},
        zi.compute().toLongArray());
  }

  @Test
  void float32TimesFloat32IsFloat32ComputedInDouble() {
    float[] a = {1.5f, 2.25f, -3f, 0.1f, 7f, 8f};
    float[] b = {0.5f, -1f, 2f, 4f, 0.3f, 1f};
    NdArray z = NdArray.fromArray(a, new long[] {2, 3}, new long[] {1, 2})
        .matmul(NdArray.fromArray(b, new long[] {3, 2}, new long[] {2, 1}));
    assertEquals(DType.FLOAT32, z.dtype());
    double[] da = new double[a.length];
    double[] db = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      da[i] = a[i];
      db[i] = b[i];
    }
    double[] ref = tripleLoop(da, db, 2, 3, 2);
    double[] got = z.compute().toDoubleArray();
    for (int i = 0; i < ref.length; i++) {
      assertEquals((float) ref[i], (float) got[i], "element " + i);
    }
    NdArray mixed = NdArray.fromArray(a, new long[] {2, 3}, new long[] {2, 3}).matmul(NdArray.fromArray(db, new long[] {3, 2}, new long[] {3, 2}));
    assertEquals(DType.FLOAT64, mixed.dtype());
  }

  @Test
  void mismatchedInnerDimensionsNameBothShapes() {
    NdArray x = NdArray.zeros(new long[] {3, 4}, new long[] {2, 2});
    NdArray y = NdArray.zeros(new long[] {5, 2}, new long[] {2, 2});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.matmul(y));
    assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 2]"), e.getMessage());
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> NdArray.zeros(new long[] {3}, new long[] {2}).matmul(y));
    assertTrue(v.getMessage().contains("[3]") && v.getMessage().contains("[5, 2]"), v.getMessage());
  }

  @Test
  void processesGiveTheSameNumbersAsSync() {
    NdArray x = NdArray.random(11).uniform(new long[] {41, 30}, new long[] {9, 8});
    NdArray y = NdArray.random(12).uniform(new long[] {30, 17}, new long[] {7, 6});
    double[] sync;
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      sync = x.matmul(y).compute().toDoubleArray();
    }
    try (Config.Scope s = Config.with(Scheduler.PROCESSES, 2)) {
      assertArrayEquals(sync, x.matmul(y).compute().toDoubleArray());
    }
  }

  private static double[] toDoubles(long[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  /** Runs {@code body} and counts the tasks that finished in it, per group. */
  private static Map<String, Integer> finishedPerGroup(Runnable body) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    TaskListener l = new TaskListener() {
      @Override
      public void onTask(TaskEvent e) {
        if (e.state() == TaskEvent.State.FINISHED) {
          counts.merge(e.group(), 1, Integer::sum);
        }
      }
    };
    try (var sub = TaskEvents.subscribe(l)) {
      body.run();
    }
    return counts;
  }
}
