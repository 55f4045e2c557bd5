package io.jdask.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.TaskFailedException;
import io.jdask.contract.Fixtures;
import io.jdask.contract.Recorder;
import io.jdask.spi.TaskEvent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ProcessesBackendTest {
  @AfterAll
  static void noWorkerOutlivesShutdown() throws Exception {
    Jdask.shutdown();
    Thread.sleep(200);
    List<ProcessHandle> left = WorkerProcesses.of(ProcessHandle.current());
    assertEquals(List.of(), left, "worker processes left after Jdask.shutdown()");
  }

  static byte[] block(int seed) {
    byte[] b = new byte[4 << 20]; // 4 MiB
    Arrays.fill(b, (byte) seed);
    return b;
  }

  static long checksum(byte[] a, byte[] b) {
    long s = 0;
    for (int i = 0; i < a.length; i += 4096) {
      s += a[i] + b[i];
    }
    return s;
  }

  /** Off-heap memory a worker holds (here 64 MiB of direct buffer, as Arrow chunks are). */
  static java.nio.ByteBuffer held;

  static int holdOffHeap() {
    held = java.nio.ByteBuffer.allocateDirect(64 << 20);
    return 1;
  }

  @Test
  void workerHeartbeatsReportOffHeapMemory() throws InterruptedException {
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
    io.jdask.spi.TaskListener l = new io.jdask.spi.TaskListener() {
      @Override
      public void onWorker(io.jdask.spi.WorkerEvent e) {
        seen.accumulateAndGet(e.offHeapUsedBytes(), Math::max);
      }
    };
    try (var s = Config.with(Scheduler.PROCESSES, 1); var sub = io.jdask.spi.TaskEvents.subscribe(l)) {
      assertEquals(1, Delayed.of(ProcessesBackendTest::holdOffHeap).call().compute());
      long deadline = System.nanoTime() + 10_000_000_000L; // heartbeats come every second
      while (seen.get() < (64 << 20) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(seen.get() >= (64 << 20), "largest off-heap figure heard: " + seen.get());
    }
  }

  @Test
  void intermediateResultsMoveBetweenWorkersNotThroughTheClient() {
    try (var s = Config.with(Scheduler.PROCESSES, 2); Recorder events = new Recorder()) {
      Delayed.of(Fixtures::inc).call(0).compute(); // start the workers before counting
      // Two 4 MiB blocks made in parallel land on different workers; the task that reads both
      // fetches one from the other worker. Only an 8-byte long is requested.
      Delayed<byte[]> a = Delayed.of(ProcessesBackendTest::block).call(1);
      Delayed<byte[]> b = Delayed.of(ProcessesBackendTest::block).call(2);
      Delayed<Long> sum = Delayed.of(ProcessesBackendTest::checksum).call(a, b);
      long before = ProcessesBackend.bytesReceivedFromWorkers();
      assertEquals(3L * 1024, sum.compute());
      long received = ProcessesBackend.bytesReceivedFromWorkers() - before;
      Set<String> blockWorkers = events.tasks().stream()
          .filter(e -> e.group().equals("block") && e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::worker).collect(Collectors.toSet());
      assertEquals(2, blockWorkers.size(), "the two blocks were made on two workers: " + blockWorkers);
      assertTrue(received < 64 * 1024, "the client received " + received + " bytes; 8 MiB stayed in the workers");
    }
  }

  @Test
  void aTaskFailureCarriesTheRemoteStackTrace() {
    try (var s = Config.with(Scheduler.PROCESSES, 2)) {
      TaskFailedException e = assertThrows(TaskFailedException.class,
          () -> Delayed.of(Fixtures::divide).call(1, 0).compute());
      assertTrue(e.worker().startsWith("worker-"), e.worker());
      assertTrue(Arrays.stream(e.getCause().getStackTrace())
              .anyMatch(f -> f.getClassName().equals(Fixtures.class.getName()) && f.getMethodName().equals("divide")),
          "the cause keeps the worker's stack trace");
    }
  }

  @Test
  void aLambdaCapturingSomethingUnserializableFailsBeforeAnythingRuns() {
    Object notSerializable = new Object() {
      @Override
      public String toString() {
        return "opaque";
      }
    };
    try (var s = Config.with(Scheduler.PROCESSES, 2); Recorder events = new Recorder()) {
      Delayed<String> d = Delayed.of((Integer x) -> notSerializable.toString() + x).call(1);
      Delayed<Integer> fine = Delayed.of(Fixtures::inc).call(1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jdask.compute(fine, d));
      assertTrue(e.getMessage().contains("ProcessesBackendTest.lambda$"), e.getMessage());
      assertTrue(e.getMessage().contains("ProcessesBackendTest$"), "names the captured type: " + e.getMessage());
      assertTrue(e.getMessage().contains("Serializable"), e.getMessage());
      assertEquals(0, events.started("inc"), "nothing ran");
    }
  }

  @Test
  void workersAreReusedAcrossComputes() {
    try (var s = Config.with(Scheduler.PROCESSES, 2)) {
      Delayed.of(Fixtures::inc).call(0).compute();
      List<ProcessHandle> first = WorkerProcesses.of(ProcessHandle.current());
      assertEquals(2, first.size(), "two worker JVMs: " + first);
      Delayed.of(Fixtures::inc).call(1).compute();
      assertEquals(first, WorkerProcesses.of(ProcessHandle.current()));
    }
  }
}
