package io.jdask.array;

import static org.junit.jupiter.api.Assertions.*;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersistedOnProcessesTest extends ArrayTestSupport {
  @Override
  protected Config.Scope backend() {
    return Config.with(Scheduler.PROCESSES, 2);
  }

  /** The most chunk memory a worker holds now (16 probes, so that both workers answer). */
  static long workerBytes() {
    List<Delayed<?>> probes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      probes.add(Delayed.of(ArrayMemory::allocatedBytes).call());
    }
    long max = 0;
    for (Object o : Jdask.compute(probes)) {
      max = Math.max(max, (Long) o);
    }
    return max;
  }

  // persisted chunks travel inside Execute messages: workers free their copies once the message's units ran
  @Test
  void persistedChunksSentToWorkersAreReleasedThere() {
    NdArray x = NdArray.ones(new long[] {1000}, new long[] {100});
    try (PersistedArray p = x.persist()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(2000.0, p.array().multiply(2).sum().compute().doubleValue());
      }
    }
    assertEquals(0L, workerBytes(), "chunk memory left in a worker");
  }
}
