package io.jdask.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.contract.Fixtures;
import io.jdask.contract.Recorder;
import io.jdask.spi.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadsBackendTest {
  @AfterEach
  void reset() {
    Config.reset();
  }

  private static Set<Thread> jdaskThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("jdask-threads") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void theThreadsModuleMakesThreadsTheDefault() {
    assertEquals(Scheduler.THREADS, Config.scheduler());
  }

  @Test
  void tasksSpreadOverTheConfiguredThreadsWhichAreReusedAndStopOnShutdown() {
    Config.set(Scheduler.THREADS, 2);
    try (Recorder events = new Recorder()) {
      for (int round = 0; round < 3; round++) {
        List<Delayed<?>> work = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          work.add(Delayed.of(Fixtures::sleepThenReturn).call(10, i));
        }
        Jdask.compute(work);
      }
      Set<String> threads = events.tasks().stream()
          .filter(e -> e.state() == TaskEvent.State.FINISHED)
          .map(TaskEvent::thread)
          .collect(Collectors.toSet());
      assertEquals(2, threads.size(), "both threads took work: " + threads);
      assertTrue(threads.stream().allMatch(n -> n.startsWith("jdask-threads")), threads.toString());
    }
    assertTrue(jdaskThreads().stream().allMatch(Thread::isDaemon), "pool threads never keep the JVM alive");
    Jdask.shutdown();
    // The pool has terminated; its threads finish exiting a moment later.
    for (int i = 0; i < 100 && !jdaskThreads().isEmpty(); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    assertEquals(Set.of(), jdaskThreads(), "shutdown leaves no jdask threads");
    assertEquals(3, Delayed.of(Fixtures::inc).call(2).compute(), "a later compute starts a new pool");
    Jdask.shutdown();
  }

  @Test
  void dynamicBalancingKeepsBothThreadsBusyWithUnevenTasks() {
    // One long task and many short ones: the free thread takes all the short ones meanwhile.
    try (var s = Config.with(Scheduler.THREADS, 2); Recorder events = new Recorder()) {
      List<Delayed<?>> work = new ArrayList<>();
      work.add(Delayed.of(Fixtures::sleepThenReturn).name("long").call(400, 0));
      for (int i = 0; i < 20; i++) {
        work.add(Delayed.of(Fixtures::sleepThenReturn).name("short").call(10, i));
      }
      Jdask.compute(work);
      TaskEvent longTask = events.tasks().stream()
          .filter(e -> e.group().equals("long") && e.state() == TaskEvent.State.FINISHED).findFirst().orElseThrow();
      long shortOnOtherThread = events.tasks().stream()
          .filter(e -> e.group().equals("short") && e.state() == TaskEvent.State.FINISHED)
          .filter(e -> !e.thread().equals(longTask.thread()))
          .count();
      assertEquals(20, shortOnOtherThread, "every short task ran beside the long one");
    }
  }
}
