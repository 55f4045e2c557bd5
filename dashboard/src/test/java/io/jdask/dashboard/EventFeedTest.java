package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Scheduler;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lanes: every event drained once, each thread's in order, across chunk boundaries. */
class EventFeedTest {
  @Test
  void drainsEveryEventOfEveryThreadInThatThreadsOrder() throws Exception {
    int threads = 4;
    int perThread = 5_000; // several 1,024-event chunks per lane
    List<Object> seen = new ArrayList<>();
    try (EventFeed feed = new EventFeed()) {
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < threads; p++) {
        String name = "producer-" + p;
        producers.add(new Thread(() -> {
          for (int i = 0; i < perThread; i++) {
            TaskEvents.publish(new TaskEvent(7, "k-" + i, "k", "test", name, i, i, TaskEvent.State.FINISHED, -1, null));
          }
        }, name));
      }
      producers.forEach(Thread::start);
      // Drain while they publish, as the dashboard thread does.
      while (producers.stream().anyMatch(Thread::isAlive)) {
        feed.drain(seen::add, b -> { for (int i = 0; i < b.size(); i++) { seen.add(b.key(i)); } });
      }
      for (Thread t : producers) {
        t.join();
      }
      feed.drain(seen::add, b -> { for (int i = 0; i < b.size(); i++) { seen.add(b.key(i)); } });
      TaskEvents.publish(new RunEvent(7, RunEvent.Kind.FINISHED, "test", 0, Map.of(), 0, null));
      feed.drain(seen::add, b -> { for (int i = 0; i < b.size(); i++) { seen.add(b.key(i)); } });
    }
    Map<String, Long> next = new HashMap<>();
    int tasks = 0;
    for (Object o : seen) {
      if (o instanceof TaskEvent e && e.worker().equals("test")) {
        long expected = next.getOrDefault(e.thread(), 0L);
        assertEquals(expected, e.startNanos(), "order of " + e.thread());
        next.put(e.thread(), expected + 1);
        tasks++;
      }
    }
    assertEquals(threads * perThread, tasks);
    assertEquals(1, seen.stream().filter(o -> o instanceof RunEvent r && r.runId() == 7).count());
  }

  @Test
  void aStartFollowedByItsEndIsSkippedAndAStartStillRunningIsKept() {
    try (EventFeed feed = new EventFeed()) {
      TaskEvents.publish(new TaskEvent(9, "s-1", "s", "test", "t", 10, 10, TaskEvent.State.STARTED, -1, null));
      TaskEvents.publish(new TaskEvent(9, "s-1", "s", "test", "t", 10, 20, TaskEvent.State.FINISHED, -1, null));
      TaskEvents.publish(new TaskEvent(9, "s-2", "s", "test", "t", 30, 30, TaskEvent.State.STARTED, -1, null));
      List<String> seen = new ArrayList<>();
      feed.drain(o -> seen.add(((TaskEvent) o).state() + " " + ((TaskEvent) o).key()), b -> { for (int i = 0; i < b.size(); i++) { seen.add(b.key(i)); } });
      assertEquals(List.of("FINISHED s-1", "STARTED s-2"), seen);
      TaskEvents.publish(new TaskEvent(9, "s-2", "s", "test", "t", 30, 40, TaskEvent.State.FAILED, -1, "boom"));
      seen.clear();
      feed.drain(o -> seen.add(((TaskEvent) o).state() + " " + ((TaskEvent) o).key()), b -> { for (int i = 0; i < b.size(); i++) { seen.add(b.key(i)); } });
      assertEquals(List.of("FAILED s-2"), seen);
    }
  }

  @Test
  void releasedEventsAreDropped() {
    try (EventFeed feed = new EventFeed()) {
      TaskEvents.publish(new TaskEvent(8, "r-1", "r", "test", "t", 0, 0, TaskEvent.State.RELEASED, -1, null));
      TaskEvents.publish(new TaskEvent(8, "r-2", "r", "test", "t", 0, 1, TaskEvent.State.FINISHED, -1, null));
      List<Object> seen = new ArrayList<>();
      feed.drain(seen::add, seen::add);
      assertEquals(List.of("r-2"), seen.stream().map(o -> ((TaskEvent) o).key()).toList());
    }
  }

  @Test
  void tasksOfThisJvmComeAsRecordsAfterTheirRunsStartAndBeforeItsEnd() {
    Delayed<Integer> a = Delayed.of((Integer x) -> x + 1).name("inc").call(1);
    Delayed<Integer> b = Delayed.of((Integer x, Integer y) -> x + y).name("add").call(a, 2);
    List<String> seen = new ArrayList<>();
    try (EventFeed feed = new EventFeed(); var sync = Config.with(Scheduler.SYNC)) {
      assertEquals(4, b.compute());
      feed.drain(o -> {
        if (o instanceof RunEvent r) {
          seen.add("run " + r.kind());
        } else if (o instanceof TaskEvent t) {
          seen.add("event " + t.key()); // none: this JVM's tasks come from the stream
        }
      }, slice -> {
        for (int i = 0; i < slice.size(); i++) {
          seen.add((slice.running(i) ? "running " : "ended ") + slice.key(i) + " " + slice.worker(i));
        }
      });
    }
    assertEquals(List.of("run STARTED", "ended " + a.key() + " sync", "ended " + b.key() + " sync", "run FINISHED"), seen);
  }
}
