package io.jdask.contract;

import io.jdask.spi.RunEvent;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records the event stream during a test. Counting through events, not through counters in the
 * tasks, works on every backend, including those whose tasks run in other JVMs.
 */
public final class Recorder implements TaskListener, AutoCloseable {
  private final List<TaskEvent> tasks = new ArrayList<>();
  private final List<RunEvent> runs = new ArrayList<>();
  private final Subscription subscription = TaskEvents.subscribe(this);

  @Override
  public synchronized void onTask(TaskEvent event) {
    tasks.add(event);
  }

  @Override
  public synchronized void onRun(RunEvent event) {
    runs.add(event);
  }

  public synchronized List<TaskEvent> tasks() {
    return new ArrayList<>(tasks);
  }

  public synchronized List<RunEvent> runs() {
    return new ArrayList<>(runs);
  }

  public synchronized long count(TaskEvent.State state, String group) {
    return tasks.stream().filter(e -> e.state() == state && e.group().equals(group)).count();
  }

  public synchronized long count(Predicate<TaskEvent> p) {
    return tasks.stream().filter(p).count();
  }

  public long started(String group) {
    return count(TaskEvent.State.STARTED, group);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
