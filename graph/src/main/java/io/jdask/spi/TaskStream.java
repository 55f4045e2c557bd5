package io.jdask.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-process task stream: every task that {@link LocalRun} runs (SYNC, THREADS and user
 * executors), recorded on the thread that ran it, for readers that want every task at any rate:
 * the dashboard's task stream and performance reports.
 *
 * <p>Why a second path beside {@link TaskEvents}: a trivial task on THREADS costs about
 * 0.35 µs, and a {@link TaskEvent} per start and end, handed to listeners on the worker thread,
 * costs half that again. Here a short task costs its thread a count in that thread's own
 * {@link TaskStreamLog}, and a span of short tasks a clock read and a few records (a task of
 * 50 µs or more is timed on its own, with a record); the readers do the rest, on their own
 * threads, when they poll. Only while a reader is open is anything recorded.
 *
 * <p>A {@link TaskListener} that reads this stream says so ({@link
 * TaskListener#readsTaskStream()}): backends then build no {@link TaskEvent} of in-process
 * tasks for it, though it still gets run events, worker events and the task events of other
 * JVMs.
 */
public final class TaskStream {
  private static final Object LOCK = new Object();
  private static final List<TaskStreamLog> LOGS = new ArrayList<>(); // guarded by LOCK
  private static final List<TaskStreamReader> READERS = new ArrayList<>(); // guarded by LOCK
  private static volatile boolean active;
  private static final ThreadLocal<TaskStreamLog> MINE = new ThreadLocal<>();

  /**
   * Runs of at most this many tasks are recorded task by task: every task has a record, with its
   * key, though short ones still share their span's times. The dashboard's graph page draws runs
   * up to this size and colours each task by its state.
   */
  public static final int TASK_BY_TASK = 5_000;

  private TaskStream() {}

  /** Starts recording, if nothing did, and returns a reader of every task from now on. */
  public static TaskStreamReader open() {
    TaskStreamReader r = new TaskStreamReader();
    synchronized (LOCK) {
      pruneDeadLogs();
      for (TaskStreamLog log : LOGS) {
        r.attach(log);
      }
      READERS.add(r);
      active = true;
    }
    return r;
  }

  /** True while a reader is open: backends record their tasks only then. */
  public static boolean active() {
    return active;
  }

  static void closed(TaskStreamReader r) {
    synchronized (LOCK) {
      READERS.remove(r);
      active = !READERS.isEmpty();
    }
  }

  /** The calling thread's log, made and announced to the readers on first use. */
  static TaskStreamLog currentLog() {
    TaskStreamLog log = MINE.get();
    if (log == null) {
      log = new TaskStreamLog(Thread.currentThread());
      synchronized (LOCK) {
        pruneDeadLogs();
        LOGS.add(log);
        for (TaskStreamReader r : READERS) {
          r.attach(log);
        }
      }
      MINE.set(log);
    }
    return log;
  }

  /** Forgets the logs of threads that ended: readers that knew them hold their own positions. Locked. */
  private static void pruneDeadLogs() {
    LOGS.removeIf(log -> !log.owner.isAlive());
  }
}
