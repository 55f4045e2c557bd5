package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The same arrays give the same numbers on every backend and any number of workers. */
class BackendsTest extends ArrayTestSupport {
  private static final long[] SHAPE = {60, 45};
  private static final long[] CHUNKS = {16, 20};

  @AfterAll
  static void stopWorkers() {
    Jdask.shutdown();
  }

  private static double[] pipeline() {
    NdArray x = NdArray.random(42).uniform(SHAPE, CHUNKS);
    NdArray y = NdArray.random(43).normal(SHAPE, CHUNKS);
    NdArray z = x.multiply(y).add(x.slice(Slice.step(-1)).sqrt());
    List<Object> r = Jdask.compute(z.sum(0), z.std(), z.argmax(), z.slice(Slice.range(3, 50, 7)));
    double[] sum0 = ((ComputedArray) r.get(0)).toDoubleArray();
    double[] sliced = ((ComputedArray) r.get(3)).toDoubleArray();
    double[] out = new double[sum0.length + 2 + sliced.length];
    System.arraycopy(sum0, 0, out, 0, sum0.length);
    out[sum0.length] = ((ComputedArray) r.get(1)).doubleValue();
    out[sum0.length + 1] = ((ComputedArray) r.get(2)).longValue();
    System.arraycopy(sliced, 0, out, sum0.length + 2, sliced.length);
    return out;
  }

  @Test
  void syncThreadsAndProcessesAgreeBitForBit() {
    double[] sync;
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      sync = pipeline();
    }
    for (int workers : new int[] {1, 3}) {
      try (Config.Scope s = Config.with(Scheduler.THREADS, workers)) {
        assertArrayEquals(sync, pipeline(), "threads(" + workers + ")");
      }
    }
    try (Config.Scope s = Config.with(Scheduler.PROCESSES, 2)) {
      assertArrayEquals(sync, pipeline(), "processes(2)");
      // the workers released every chunk they made
      Object held = Delayed.of(ArrayMemory::allocatedBytes).call().compute();
      assertEquals(0L, held, "chunk memory left in a worker");
    }
  }

  @Test
  void arraysComputedTogetherShareTheirInputs() {
    AtomicInteger drawn = new AtomicInteger();
    TaskListener l = new TaskListener() {
      @Override
      public void onTask(TaskEvent e) {
        if (e.state() == TaskEvent.State.FINISHED && e.group().equals("uniform")) {
          drawn.incrementAndGet();
        }
      }
    };
    try (var sub = TaskEvents.subscribe(l)) {
      NdArray x = NdArray.random(1).uniform(new long[] {50, 50}, CHUNKS);
      List<Object> r = Jdask.compute(x.sum(), x.mean(), x.add(x.transpose()).max());
      assertEquals(x.blockCount(), drawn.get(), "each chunk of x is drawn once");
      double sum = ((ComputedArray) r.get(0)).doubleValue();
      double mean = ((ComputedArray) r.get(1)).doubleValue();
      assertEquals(sum / x.size(), mean, 1e-12);
      assertTrue(((ComputedArray) r.get(2)).doubleValue() < 2);
    }
  }
}
