package io.jdask.spi;

import io.jdask.TaskFailedException;
import io.jdask.graph.Plan;
import io.jdask.graph.Releasable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The execution core of every in-process backend: one computation of a {@link Plan}.
 *
 * <h2>Design</h2>
 *
 * One scheduling loop, many executors (as in {@code dask/local.py}): SYNC runs the loop on the
 * calling thread, THREADS on a pool the backend owns, and {@code Config.set(ExecutorService)} on
 * the user's pool. None is a fork of the loop.
 *
 * <p>Unlike Dask's local scheduler, there is no scheduler thread that hands each task to a
 * worker and waits for it back: that hand-off costs two thread wake-ups per task (tens of
 * microseconds). Instead up to {@code parallelism} <em>runners</em> each loop: take the lock,
 * record the unit it just ran (store its result, release inputs whose last dependent it was,
 * make ready the dependents whose last input it was), pop the highest-priority ready unit,
 * drop the lock, run the unit. State is still written by one thread at a time, under one lock,
 * in one place ({@link #complete}); a runner that finds nothing ready retires, and a runner
 * that makes more work ready than there are runners starts more (never more than
 * {@code parallelism}), which is the dynamic load balancing: whoever is free takes the next
 * unit.
 *
 * <h2>State</h2>
 *
 * <ul>
 *   <li>{@code waiting[u]}: unfinished dependencies of unit head {@code u}; ready at zero.
 *   <li>{@code refs[n]}: dependents of node {@code n} that have not finished; when it reaches
 *       zero and {@code n} is not an output, {@code results[n]} is dropped (RELEASED).
 *   <li>{@code ready}: heads with nothing left to wait for, lowest node number (highest
 *       priority) first.
 * </ul>
 *
 * <h2>Failure and cancellation</h2>
 *
 * The first task that throws stops the run: nothing else is started, and {@code compute()}
 * throws {@link TaskFailedException} at once; tasks already running finish on their own (they
 * are not interrupted, since interrupting user code can close its channels) and their results
 * are dropped. Interrupting the thread that called {@code compute()} cancels: nothing else
 * starts, running tasks are interrupted, and {@code compute()} throws
 * {@link CancellationException} with the thread's interrupt status restored.
 */
public final class LocalRun {
  private static final ThreadLocal<LocalRun> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> REMOTE_TASK = new ThreadLocal<>();

  private final Plan plan;
  private final Executor executor; // null: the calling thread runs everything
  private final int parallelism;
  private final String backend;
  private final String worker;
  private final long runId;
  /** Someone listens: run events are published. */
  private final boolean observed;
  /** A listener wants a TaskEvent per task (the TaskStream's readers do not). */
  private final boolean taskEvents;
  /** Non-null while the TaskStream has a reader: every task is recorded in its thread's log. */
  private final TaskStreamLog.StreamRun recorded;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ended = lock.newCondition();
  private final Object[] results;
  private final int[] waiting;
  private final int[] refs;
  private final IntHeap ready;
  private final Thread[] busy; // per runner slot: the thread running a unit, or null
  private final boolean[] slotTaken;
  private int runners;
  private int unitsLeft;
  private boolean stopped;
  private boolean cancelled;
  // What stopped the run, recorded by the thread that saw it; the exception is made on the
  // caller's thread, so its stack trace leads to the compute() call and its cause to the task.
  private String failedKey;
  private String failedWhere;
  private Throwable failedCause;

  private LocalRun(Plan plan, Executor executor, int parallelism, String backend, String worker) {
    this.plan = plan;
    this.executor = executor;
    this.parallelism = executor == null ? 1 : Math.max(1, parallelism);
    this.backend = backend;
    this.worker = worker;
    this.runId = TaskEvents.newRunId();
    this.observed = TaskEvents.active();
    this.taskEvents = observed && TaskEvents.wantInProcessTasks();
    this.recorded = TaskStream.active() ? new TaskStreamLog.StreamRun(runId, worker) : null;
    int n = plan.size();
    results = new Object[n];
    waiting = new int[n];
    refs = new int[n];
    ready = new IntHeap(Math.min(n, 1 << 16));
    busy = new Thread[this.parallelism];
    slotTaken = new boolean[this.parallelism];
    for (int i = 0; i < n; i++) {
      refs[i] = plan.dependentCount(i);
      if (plan.isHead(i)) {
        waiting[i] = plan.depCount(i);
        if (waiting[i] == 0) {
          ready.add(i);
        }
      }
    }
    unitsLeft = plan.units();
  }

  /**
   * Runs {@code plan} and returns the results of its outputs, in order.
   *
   * @param executor where runners run; null runs everything on the calling thread (SYNC)
   * @param parallelism the most runners at once (ignored when {@code executor} is null)
   * @param backend the backend's name for events, e.g. "threads(2)"
   * @param worker the worker name in task events and errors, e.g. "threads"
   * @throws TaskFailedException if a task throws
   * @throws CancellationException if the calling thread is interrupted
   */
  public static List<Object> execute(
      Plan plan, Executor executor, int parallelism, String backend, String worker) {
    return new LocalRun(plan, executor, parallelism, backend, worker).run();
  }

  /** True on a thread that is running a task of some computation (nested compute detection). */
  public static boolean insideTask() {
    return CURRENT.get() != null || REMOTE_TASK.get() != null;
  }

  /**
   * Applies a task's function the way a worker of another backend runs it: a {@code compute()}
   * inside it then runs on SYNC in that thread, as it does under this class's runners.
   */
  public static Object applyAsTask(io.jdask.graph.TaskFunction fn, Object[] args) throws Exception {
    boolean outer = REMOTE_TASK.get() != null;
    REMOTE_TASK.set(Boolean.TRUE);
    try {
      return fn.apply(args);
    } finally {
      if (!outer) {
        REMOTE_TASK.remove();
      }
    }
  }

  private List<Object> run() {
    long startNanos = EventClock.epochNanos();
    if (observed) {
      TaskEvents.publish(
          new RunEvent(runId, RunEvent.Kind.STARTED, backend, plan.taskCount(), null, startNanos, null,
              plan));
    }
    try {
      if (unitsLeft > 0) {
        if (executor == null) {
          runOnCaller();
        } else {
          runOnExecutor();
        }
      }
    } catch (RuntimeException | Error e) {
      publishRunEnd(e instanceof CancellationException ? RunEvent.Kind.CANCELLED : RunEvent.Kind.FAILED, e);
      throw e;
    }
    List<Object> out = new ArrayList<>(plan.outputCount());
    for (int k = 0; k < plan.outputCount(); k++) {
      out.add(results[plan.output(k)]);
    }
    publishRunEnd(RunEvent.Kind.FINISHED, null);
    return out;
  }

  private void publishRunEnd(RunEvent.Kind kind, Throwable error) {
    if (observed) {
      TaskEvents.publish(
          new RunEvent(runId, kind, backend, plan.taskCount(), Map.of(), EventClock.epochNanos(),
              error == null ? null : error.toString()));
    }
  }

  private void runOnCaller() {
    slotTaken[0] = true;
    runners = 1;
    runnerLoop(0);
    finishOrThrow();
  }

  private void runOnExecutor() {
    int[] slots;
    lock.lock();
    try {
      slots = claimSlots();
    } finally {
      lock.unlock();
    }
    startRunners(slots);
    lock.lock();
    try {
      while (unitsLeft > 0 && !stopped) {
        ended.await();
      }
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw new CancellationException("computation cancelled: the calling thread was interrupted");
    } finally {
      lock.unlock();
    }
    finishOrThrow();
  }

  private void finishOrThrow() {
    lock.lock();
    try {
      if (failedKey != null) {
        throw new TaskFailedException(failedKey, failedWhere, failedCause);
      }
      if (failedCause != null) {
        throw new IllegalStateException(failedCause.getMessage(), failedCause);
      }
      if (cancelled) {
        Thread.currentThread().interrupt();
        throw new CancellationException("computation cancelled: the calling thread was interrupted");
      }
    } finally {
      lock.unlock();
    }
  }

  private void cancel() {
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      stopped = true;
      cancelled = true;
      for (Thread t : busy) {
        if (t != null) {
          t.interrupt();
        }
      }
      ended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Claims runner slots for ready work beyond what the running runners will take. Locked. */
  private int[] claimSlots() {
    int want = Math.min(ready.size(), parallelism - runners);
    if (want <= 0 || stopped) {
      return null;
    }
    int[] slots = new int[want];
    int found = 0;
    for (int s = 0; s < slotTaken.length && found < want; s++) {
      if (!slotTaken[s]) {
        slotTaken[s] = true;
        slots[found++] = s;
      }
    }
    runners += found;
    return slots;
  }

  private void startRunners(int[] slots) {
    if (slots == null) {
      return;
    }
    for (int slot : slots) {
      try {
        executor.execute(() -> runnerLoop(slot));
      } catch (RejectedExecutionException e) {
        lock.lock();
        try {
          retire(slot);
          if (!stopped) {
            stopped = true;
            failedCause = new RejectedExecutionException(
                backend + " rejected jdask's work; is the executor shut down?", e);
            ended.signalAll();
          }
        } finally {
          lock.unlock();
        }
      }
    }
  }

  private void retire(int slot) {
    slotTaken[slot] = false;
    busy[slot] = null;
    runners--;
    if (runners == 0) {
      if (stopped) {
        releaseAll();
      }
      ended.signalAll();
    }
  }

  /**
   * A failed or cancelled run hands nothing back: once its last runner has retired (so no task
   * can still be reading an input), every result it still holds is released. Locked.
   */
  private void releaseAll() {
    for (int n = 0; n < results.length; n++) {
      if (!plan.task(n).isData()) { // a data node's value belongs to whoever built the graph
        Releasable.releaseIfOwned(results[n]);
      }
      results[n] = null;
    }
  }

  private void runnerLoop(int slot) {
    Thread me = Thread.currentThread();
    LocalRun outer = CURRENT.get();
    CURRENT.set(this);
    TaskStreamLog log = recorded == null ? null : TaskStream.currentLog();
    try {
      int unit = -1;
      int tail = -1;
      List<Object> released = new ArrayList<>(0); // freed after the lock is dropped
      while (true) {
        int[] slots;
        lock.lock();
        try {
          if (unit >= 0) {
            busy[slot] = null;
            if (executor != null) {
              Thread.interrupted(); // a cancel's interrupt must not leak into the pool thread
            }
            if (tail >= 0) {
              complete(unit, tail, released);
            }
          }
          if (executor == null && Thread.interrupted()) {
            stopped = true;
            cancelled = true;
          }
          unit = stopped ? -1 : ready.poll();
          if (unit < 0) {
            if (log != null) {
              log.flush(); // before the caller can wake: its last tasks are not left "running"
            }
            retire(slot);
            slots = null;
          } else {
            busy[slot] = me;
            slots = executor == null ? null : claimSlots();
          }
        } finally {
          lock.unlock();
        }
        if (!released.isEmpty()) {
          released.forEach(Releasable::releaseIfOwned);
          released.clear();
        }
        if (unit < 0) {
          return;
        }
        startRunners(slots);
        tail = runUnit(unit, log);
      }
    } finally {
      if (log != null) {
        log.flush(); // if something threw past the loop
      }
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** Runs every node of the unit; returns its tail, or -1 if a node failed. Unlocked. */
  private int runUnit(int head, TaskStreamLog log) {
    int node = head;
    int prev = -1;
    while (true) {
      if (plan.task(node).isData()) { // a value requested as an output: nothing to run
        results[node] = plan.task(node).value();
        return node;
      }
      // Task events time every task; the stream's log times spans of short tasks itself.
      long start = taskEvents ? EventClock.epochNanos() : 0L;
      if (log != null) {
        log.begin(recorded, node, plan.task(node), start);
      }
      if (taskEvents) {
        publishTask(node, start, start, TaskEvent.State.STARTED, null);
      }
      Object r;
      try {
        r = plan.run(node, results);
      } catch (Throwable e) {
        if (log != null) {
          log.end(true, 0L); // before fail() wakes the caller
        }
        fail(node, e, start);
        return -1;
      }
      results[node] = r;
      long end = 0L;
      if (taskEvents) {
        end = EventClock.epochNanos();
        publishTask(node, start, end, TaskEvent.State.FINISHED, null);
      }
      if (log != null) {
        log.end(false, end);
      }
      if (prev >= 0) {
        Releasable.releaseIfOwned(results[prev]);
        results[prev] = null; // a fused member's only dependent has run
        if (taskEvents) {
          publishTask(prev, end, end, TaskEvent.State.RELEASED, null);
        }
      }
      int next = plan.next(node);
      if (next < 0) {
        return node;
      }
      prev = node;
      node = next;
    }
  }

  /**
   * Records a finished unit. Locked. Results it drops that hold off-heap memory go to
   * {@code released}, freed by the caller once the lock is dropped: freeing a large buffer
   * (an munmap) should not hold up the other runners. After the last unit they are freed here,
   * before the waiting caller is woken.
   */
  private void complete(int head, int tail, List<Object> released) {
    unitsLeft--;
    long now = 0L;
    for (int k = 0, c = plan.depCount(head); k < c; k++) {
      int d = plan.dep(head, k);
      if (--refs[d] == 0 && !plan.isOutput(d)) {
        if (results[d] instanceof Releasable) {
          released.add(results[d]);
        }
        results[d] = null;
        if (taskEvents) {
          if (now == 0L) {
            now = EventClock.epochNanos();
          }
          publishTask(d, now, now, TaskEvent.State.RELEASED, null);
        }
      }
    }
    for (int k = 0, c = plan.dependentCount(tail); k < c; k++) {
      int u = plan.dependent(tail, k);
      if (--waiting[u] == 0) {
        ready.add(u);
      }
    }
    if (unitsLeft == 0) {
      // The caller wakes on this signal: a finished compute() holds nothing but its outputs.
      released.forEach(Releasable::releaseIfOwned);
      released.clear();
      ended.signalAll();
    }
  }

  private void fail(int node, Throwable e, long start) {
    lock.lock();
    try {
      if (executor == null
          && (e instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
        // On SYNC the task ran on the caller's thread: its interruption is the caller's cancel.
        Thread.interrupted();
        stopped = true;
        cancelled = true;
      }
      if (!stopped && taskEvents) {
        // Published before the caller is woken, so a listener sees the task fail before the run.
        publishTask(node, start, EventClock.epochNanos(), TaskEvent.State.FAILED, e.toString());
      }
      if (!stopped) {
        stopped = true;
        failedKey = plan.key(node);
        failedWhere = worker + "/" + Thread.currentThread().getName();
        failedCause = e;
        ended.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void publishTask(int node, long start, long end, TaskEvent.State state, String error) {
    TaskEvents.publishInProcess(
        new TaskEvent(runId, plan.task(node), worker, Thread.currentThread().getName(), start, end,
            state, -1L, error));
  }
}
