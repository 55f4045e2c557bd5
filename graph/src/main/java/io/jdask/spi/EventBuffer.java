package io.jdask.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A listener that only queues events (a lock-free append, safe from any worker thread), for a
 * consumer that drains them on its own thread at its own pace: a dashboard feed, a report, a
 * test. Subscribed on creation, unsubscribed on close.
 */
public final class EventBuffer implements TaskListener, AutoCloseable {
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final Subscription subscription;

  private EventBuffer() {
    this.subscription = TaskEvents.subscribe(this);
  }

  /** Starts buffering every task and run event from now on. */
  public static EventBuffer subscribe() {
    return new EventBuffer();
  }

  @Override
  public void onTask(TaskEvent event) {
    queue.add(event);
  }

  @Override
  public void onRun(RunEvent event) {
    queue.add(event);
  }

  /** Hands every queued event, oldest first, to the consumer; returns how many. */
  public int drain(Consumer<Object> consumer) {
    int count = 0;
    Object e;
    while ((e = queue.poll()) != null) {
      consumer.accept(e);
      count++;
    }
    return count;
  }

  /** Removes and returns the queued task events, oldest first (run events are dropped). */
  public List<TaskEvent> drainTasks() {
    List<TaskEvent> out = new ArrayList<>();
    drain(e -> {
      if (e instanceof TaskEvent t) {
        out.add(t);
      }
    });
    return out;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
