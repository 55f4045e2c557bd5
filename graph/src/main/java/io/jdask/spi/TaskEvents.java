package io.jdask.spi;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide event stream: backends publish, diagnostics subscribe. With no subscriber,
 * publishing costs one volatile read, and backends skip even building the event
 * ({@link #active()}), so an unobserved computation pays nothing.
 */
public final class TaskEvents {
  private static final Logger log = LoggerFactory.getLogger(TaskEvents.class);
  private static final AtomicLong RUN_IDS = new AtomicLong();
  private static final Object LOCK = new Object();
  private static volatile TaskListener[] listeners = new TaskListener[0];
  /** The listeners that want a TaskEvent for every in-process task: not those that read the TaskStream. */
  private static volatile TaskListener[] inProcessListeners = new TaskListener[0];

  private TaskEvents() {}

  /** Subscribes a listener until the returned handle is closed. */
  public static Subscription subscribe(TaskListener listener) {
    synchronized (LOCK) {
      TaskListener[] next = Arrays.copyOf(listeners, listeners.length + 1);
      next[next.length - 1] = listener;
      listeners = next;
      inProcessListeners = inProcess(next);
    }
    return () -> unsubscribe(listener);
  }

  private static void unsubscribe(TaskListener listener) {
    synchronized (LOCK) {
      TaskListener[] current = listeners;
      for (int i = 0; i < current.length; i++) {
        if (current[i] == listener) {
          TaskListener[] next = new TaskListener[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, current.length - i - 1);
          listeners = next;
          inProcessListeners = inProcess(next);
          return;
        }
      }
    }
  }

  private static TaskListener[] inProcess(TaskListener[] all) {
    return Arrays.stream(all).filter(l -> !l.readsTaskStream()).toArray(TaskListener[]::new);
  }

  /**
   * True when a listener wants a {@link TaskEvent} for each task run in this JVM; those that
   * read the {@link TaskStream} instead do not count.
   */
  public static boolean wantInProcessTasks() {
    return inProcessListeners.length > 0;
  }

  /** True when someone listens; backends check this before building an event. */
  public static boolean active() {
    return listeners.length > 0;
  }

  public static long newRunId() {
    return RUN_IDS.incrementAndGet();
  }

  /** Publishes a task event to every listener: for tasks run in other JVMs (see {@link #publishInProcess}). */
  public static void publish(TaskEvent event) {
    deliver(listeners, event);
  }

  /**
   * Publishes the event of a task run in this JVM to the listeners that do not read the
   * {@link TaskStream} (which records the task for those that do).
   */
  public static void publishInProcess(TaskEvent event) {
    deliver(inProcessListeners, event);
  }

  private static void deliver(TaskListener[] to, TaskEvent event) {
    for (TaskListener l : to) {
      try {
        l.onTask(event);
      } catch (RuntimeException e) {
        log.warn("task event listener {} failed on {}", l, event.key(), e);
      }
    }
  }

  public static void publish(WorkerEvent event) {
    for (TaskListener l : listeners) {
      try {
        l.onWorker(event);
      } catch (RuntimeException e) {
        log.warn("worker event listener {} failed on {}", l, event.worker(), e);
      }
    }
  }

  public static void publish(RunEvent event) {
    for (TaskListener l : listeners) {
      try {
        l.onRun(event);
      } catch (RuntimeException e) {
        log.warn("run event listener {} failed on run {}", l, event.runId(), e);
      }
    }
  }
}
