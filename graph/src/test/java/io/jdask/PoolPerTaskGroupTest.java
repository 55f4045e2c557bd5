package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.contract.Recorder;
import io.jdask.spi.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's two pools (one for the sampler, one for likelihood calls), as docs/schedulers.md
 * shows them: a sampler task opens a scope on the likelihood pool for the computations it
 * starts; without a scope, a compute inside a task runs in place.
 */
class PoolPerTaskGroupTest {
  static double likelihood(double theta) {
    return -theta * theta;
  }

  @Test
  void aScopeOpenedInsideATaskSendsItsComputationsToAnotherPool() {
    AtomicInteger n = new AtomicInteger();
    ExecutorService samplerPool = Executors.newFixedThreadPool(2, r -> new Thread(r, "sampler-" + n.incrementAndGet()));
    ExecutorService likelihoodPool = Executors.newFixedThreadPool(3, r -> new Thread(r, "likelihood-" + n.incrementAndGet()));
    try (Recorder events = new Recorder(); var sampler = Config.with(samplerPool)) {
      List<Delayed<Double>> walkers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        double start = w;
        walkers.add(Delayed.of((Integer steps) -> {
          double best = Double.NEGATIVE_INFINITY;
          try (var pool = Config.with(likelihoodPool)) { // this walker's likelihood calls
            List<Delayed<Double>> batch = new ArrayList<>();
            for (int k = 0; k < steps; k++) {
              batch.add(Delayed.of(PoolPerTaskGroupTest::likelihood).call(start - k * 0.5));
            }
            for (Object l : Jdask.compute(batch)) {
              best = Math.max(best, (Double) l);
            }
          }
          return best;
        }).name("walker").call(8));
      }
      List<Object> bests = Jdask.compute(walkers);
      assertEquals(List.of(-0.0, -0.0, -0.0, -0.0), bests);
      Set<String> likelihoodThreads = events.tasks().stream()
          .filter(e -> e.group().equals("likelihood") && e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::thread).collect(Collectors.toSet());
      Set<String> walkerThreads = events.tasks().stream()
          .filter(e -> e.group().equals("walker") && e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::thread).collect(Collectors.toSet());
      assertTrue(likelihoodThreads.stream().allMatch(t -> t.startsWith("likelihood-")), likelihoodThreads.toString());
      assertTrue(walkerThreads.stream().allMatch(t -> t.startsWith("sampler-")), walkerThreads.toString());
    } finally {
      samplerPool.shutdownNow();
      likelihoodPool.shutdownNow();
    }
  }
}
