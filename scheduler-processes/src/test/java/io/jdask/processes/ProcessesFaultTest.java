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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Faults with real processes: a worker killed mid-run, a task that kills workers, a killed client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessesFaultTest {
  @AfterAll
  static void stopWorkers() {
    Jdask.shutdown();
  }

  static int slowLeaf(int i) throws InterruptedException {
    Thread.sleep(100);
    return i;
  }

  static int total(List<Integer> xs) {
    return xs.stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void killingAWorkerMidComputeLosesNothing() throws Exception {
    try (var s = Config.with(Scheduler.PROCESSES, 2); Recorder events = new Recorder()) {
      Delayed.of(Fixtures::inc).call(0).compute(); // workers up
      List<Delayed<Integer>> leaves = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        leaves.add(Delayed.of(ProcessesFaultTest::slowLeaf).call(i));
      }
      Delayed<Integer> sum = Delayed.of(ProcessesFaultTest::total).callUnchecked(leaves);
      Thread killer = new Thread(() -> {
        try {
          while (events.count(TaskEvent.State.FINISHED, "slowLeaf") < 6) {
            Thread.sleep(10);
          }
          ProcessHandle victim = WorkerProcesses.of(ProcessHandle.current()).get(0);
          victim.destroyForcibly(); // SIGKILL
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      killer.start();
      assertEquals(24 * 23 / 2, sum.compute());
      killer.join();
      Set<String> workers = events.tasks().stream()
          .filter(e -> e.group().equals("slowLeaf") && e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::worker).collect(Collectors.toSet());
      assertTrue(workers.size() >= 3, "a replacement worker took part: " + workers);
      assertTrue(events.count(TaskEvent.State.FINISHED, "slowLeaf") > 24,
          "results lost with the worker were computed again from the graph");
      // The killed JVM leaves the list once the JDK's process reaper has collected it, which can
      // lag behind the replacement's start by a moment.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (WorkerProcesses.of(ProcessHandle.current()).size() != 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, WorkerProcesses.of(ProcessHandle.current()).size(), "the pool is back to two workers");
    }
  }

  static int crash(int code) {
    Runtime.getRuntime().halt(code);
    return code;
  }

  @Test
  void aTaskThatKillsItsWorkerThreeTimesFailsTheCompute() {
    try (var s = Config.with(Scheduler.PROCESSES, 2)) {
      Delayed<Integer> bomb = Delayed.of(ProcessesFaultTest::crash).call(3);
      TaskFailedException e = assertThrows(TaskFailedException.class, bomb::compute);
      assertEquals(bomb.key(), e.key());
      assertTrue(e.getCause().getMessage().contains("3 workers"), e.getCause().getMessage());
      assertEquals(12, Delayed.of(Fixtures::add).call(Delayed.of(Fixtures::inc).call(1), 10).compute(),
          "the pool works after the bomb");
    }
  }

  @Test
  void workersExitWhenTheirClientIsKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(ProcessesBackend.JVM_FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OrphanClient.class.getName()));
    Process client = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<ProcessHandle> workers;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("workers "));
      assertTrue(line != null, "the client started its workers");
      workers = Arrays.stream(line.substring("workers ".length()).trim().split(" "))
          .map(pid -> ProcessHandle.of(Long.parseLong(pid)).orElseThrow()).toList();
      assertEquals(2, workers.size());
    } finally {
      client.destroyForcibly(); // SIGKILL: no shutdown hook runs
    }
    client.waitFor(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<ProcessHandle> alive = workers.stream().filter(ProcessHandle::isAlive).toList();
    alive.forEach(ProcessHandle::destroyForcibly); // leave nothing behind even if the test fails
    assertEquals(List.of(), alive, "workers of a killed client exit on their own");
  }
}
