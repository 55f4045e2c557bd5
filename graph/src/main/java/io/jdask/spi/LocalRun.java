package io.jdask.spi;

import io.jdask.TaskFailedException;
import io.jdask.graph.IntList;
import io.jdask.graph.Pages;
import io.jdask.graph.Plan;
import io.jdask.graph.Releasable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * microseconds). Instead up to {@code parallelism} <em>runners</em> each loop: take the
 * highest-priority unit of its own {@link ReadyQueue} (claiming a few of the run's roots when the
 * next one comes first), run it, then complete it: store its result, release the inputs whose
 * last dependent it was, and put the dependents whose last input it was into its own queue.
 * Completion takes no lock: the counts it decrements ({@code waiting}, {@code refs}) are
 * atomic where more than one runner can reach them, and plain where only one can (an input with
 * one dependent, a unit with one input). A runner whose queue is empty steals the best unit of
 * another's, and retires if there is none; a runner that holds more ready units than it will run
 * next starts more runners, never more than {@code parallelism}. That is the dynamic load
 * balancing: whoever is free takes the next unit.
 *
 * <p>Why not one queue under one lock, as jdask first did: on tasks of a few hundred
 * nanoseconds the lock, the queue and the counts it guarded moved from core to core at every
 * task, and two runners were slower than one. With a queue per runner, a runner mostly completes
 * the units it made ready itself, on data in its own cache.
 *
 * <h2>State</h2>
 *
 * <ul>
 *   <li>{@code waiting[u]}: unfinished dependencies of unit head {@code u}; ready at zero.
 *   <li>{@code refs[n]}: dependents of node {@code n} that have not finished; when it reaches
 *       zero and {@code n} is not an output, {@code results[n]} is dropped (RELEASED).
 *   <li>{@code queues[slot]}: the ready units of each runner slot; {@code roots}: the units that
 *       wait for nothing, in priority order, not claimed yet.
 *   <li>{@code runners}, slots, failure and the caller's wake-up: under {@code lock}, taken when
 *       a runner starts, retires or fails, not per task.
 * </ul>
 *
 * <p>{@code compute()} returns once every runner has retired, so no thread is still at work on a
 * finished computation, and every task stream log it wrote to has been flushed.
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
  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);

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

  // Per node, in Pages: flat, these would be humongous for G1 on graphs of a few hundred
  // thousand tasks (see Pages).
  private final Object[][] results;
  private final int[][] waiting; // through COUNTS where a unit has more than one input
  private final int[][] refs; // through COUNTS where a node has more than one dependent
  private final ReadyQueue.Roots roots;
  private final ReadyQueue[] queues; // per runner slot
  /** Set once, under the lock: runners read it before every unit. */
  private volatile boolean stopped;
  /**
   * Runners started and not retired. Written under the lock; read without it by a runner that
   * holds more ready units than it will run, to decide whether to start more.
   */
  private volatile int runners;

  // Under the lock, from here on.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ended = lock.newCondition();
  private final Thread[] busy; // per runner slot: the thread of a started runner, or null
  private final boolean[] slotTaken;
  private int unitsDone; // added up by runners as they retire
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
    this.recorded = TaskStream.active() ? new TaskStreamLog.StreamRun(runId, worker, plan.size() <= TaskStream.TASK_BY_TASK) : null;
    int n = plan.size();
    results = Pages.objects(Object.class, n);
    waiting = Pages.ints(n);
    refs = Pages.ints(n);
    IntList rootList = new IntList(64);
    for (int p = 0; p < refs.length; p++) { // page by page, not a page lookup per node
      int[] refPage = refs[p];
      int[] waitingPage = waiting[p];
      for (int j = 0, i = p << Pages.SHIFT; j < refPage.length; j++, i++) {
        refPage[j] = plan.dependentCount(i);
        if (plan.isHead(i)) {
          int inputs = plan.depCount(i);
          waitingPage[j] = inputs;
          if (inputs == 0) {
            rootList.add(i); // in node order: priority order
          }
        }
      }
    }
    roots = new ReadyQueue.Roots(rootList.toPages(), rootList.size(), this.parallelism);
    queues = new ReadyQueue[this.parallelism];
    for (int s = 0; s < queues.length; s++) {
      queues[s] = new ReadyQueue();
    }
    busy = new Thread[this.parallelism];
    slotTaken = new boolean[this.parallelism];
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
      if (plan.units() > 0) {
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
      out.add(Pages.get(results, plan.output(k)));
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
    lock.lock();
    try {
      slotTaken[0] = true;
      busy[0] = Thread.currentThread();
      runners = 1;
    } finally {
      lock.unlock();
    }
    runnerLoop(0);
    finishOrThrow();
  }

  private void runOnExecutor() {
    startRunners(roots.count());
    lock.lock();
    try {
      while (runners > 0 && !stopped) {
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
      if (unitsDone != plan.units()) { // every runner retired with units left: a scheduling bug
        throw new IllegalStateException(
            "jdask: " + backend + " ran " + unitsDone + " of " + plan.units() + " units and stopped");
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

  /** Claims up to {@code want} runner slots beyond the runners already running. Locked. */
  private int[] claimSlots(int want) {
    want = Math.min(want, parallelism - runners);
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

  /** Starts up to {@code want} runners beyond those running, as slots allow. */
  private void startRunners(int want) {
    int[] slots;
    lock.lock();
    try {
      slots = claimSlots(want);
    } finally {
      lock.unlock();
    }
    startRunners(slots);
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
          if (!stopped) {
            stopped = true;
            failedCause = new RejectedExecutionException(
                backend + " rejected jdask's work; is the executor shut down?", e);
            ended.signalAll();
          }
          retire(slot, 0);
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** A runner stops: it is counted out, then {@link #leave}s. Locked. */
  private void retire(int slot, int done) {
    runners--;
    leave(slot, done);
  }

  /**
   * Frees the slot of a runner already counted out and counts what it ran; the last one out
   * wakes the caller. Locked.
   */
  private void leave(int slot, int done) {
    slotTaken[slot] = false;
    busy[slot] = null;
    unitsDone += done;
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
    for (int n = 0; n < plan.size(); n++) {
      if (!plan.task(n).isData()) { // a data node's value belongs to whoever built the graph
        Releasable.releaseIfOwned(Pages.get(results, n));
      }
      Pages.set(results, n, null);
    }
  }

  private void runnerLoop(int slot) {
    LocalRun outer = CURRENT.get();
    CURRENT.set(this);
    TaskStreamLog log = recorded == null ? null : TaskStream.currentLog();
    ReadyQueue mine = queues[slot];
    int done = 0;
    boolean retired = false;
    try {
      if (executor != null) {
        lock.lock();
        try {
          busy[slot] = Thread.currentThread(); // from here on, a cancel interrupts this thread
        } finally {
          lock.unlock();
        }
      }
      int[] readied = new int[4];
      int readyCount = 0;
      while (true) {
        if (executor == null && Thread.interrupted()) {
          cancelFromCaller();
        }
        if (stopped) {
          break;
        }
        int unit = mine.pushAndPoll(readied, readyCount, roots);
        readyCount = 0;
        if (unit < 0) {
          unit = steal(slot);
        }
        if (unit < 0) {
          if (log != null) {
            log.flush(); // before the caller can wake: its last tasks are not left "running"
          }
          if (retireIfIdle(slot, done)) {
            retired = true;
            return;
          }
          continue; // work appeared while this runner was retiring
        }
        if (runners < parallelism && mine.sizeHint() > 0) {
          startRunners(mine.sizeHint()); // for the units it holds beyond the one it runs now
        }
        int tail = runUnit(unit, log);
        if (tail < 0 || stopped) {
          break;
        }
        int out = plan.dependentCount(tail);
        if (out > readied.length) {
          readied = new int[Math.max(out, readied.length * 2)];
        }
        readyCount = complete(unit, tail, readied);
        done++;
      }
    } catch (RuntimeException | Error e) {
      // Not a task's failure (runUnit catches those) but jdask's own, or a result's release
      // that threw: the run stops with it rather than wait for a runner that is gone.
      lock.lock();
      try {
        if (!stopped) {
          stopped = true;
          failedCause = e;
          ended.signalAll();
        }
      } finally {
        lock.unlock();
      }
      throw e;
    } finally {
      // A runner that stopped (a failure, a cancel, or something that threw) retires here; one
      // that ran out of work retired above.
      if (!retired) {
        if (log != null) {
          log.flush(); // before the caller can wake: its last tasks are not left "running"
        }
        lock.lock();
        try {
          retire(slot, done);
        } finally {
          lock.unlock();
        }
      }
      if (executor != null) {
        Thread.interrupted(); // a cancel's interrupt must not leak into the pool thread
      }
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** SYNC: the caller's thread was interrupted between tasks, which cancels the run. */
  private void cancelFromCaller() {
    lock.lock();
    try {
      if (!stopped) {
        stopped = true;
        cancelled = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The best unit of another runner's queue, or -1 if every other queue is empty. */
  private int steal(int slot) {
    for (int k = 1; k < queues.length; k++) {
      int unit = queues[(slot + k) % queues.length].steal();
      if (unit >= 0) {
        return unit;
      }
    }
    return -1;
  }

  /**
   * A runner that found no work retires, unless work appeared meanwhile. It counts itself out
   * before looking again, and a runner that queues work reads the count after queueing it: so
   * either this one sees the work, or that one sees a free slot and starts a runner for it.
   */
  private boolean retireIfIdle(int slot, int done) {
    lock.lock();
    try {
      runners--;
      if (!stopped && (!roots.exhausted() || anyQueued())) {
        runners++;
        return false;
      }
      leave(slot, done);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean anyQueued() {
    for (ReadyQueue q : queues) {
      if (q.size() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Runs every node of the unit; returns its tail, or -1 if a node failed. */
  private int runUnit(int head, TaskStreamLog log) {
    int node = head;
    int prev = -1;
    while (true) {
      if (plan.task(node).isData()) { // a value requested as an output: nothing to run
        Pages.set(results, node, plan.task(node).value());
        return node;
      }
      // Task events time every task; the stream's log times spans of short tasks itself.
      long start = taskEvents ? EventClock.epochNanos() : 0L;
      if (log != null) {
        log.begin(recorded, plan, node, plan.task(node), start);
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
      Pages.set(results, node, r);
      long end = 0L;
      if (taskEvents) {
        end = EventClock.epochNanos();
        publishTask(node, start, end, TaskEvent.State.FINISHED, null);
      }
      if (log != null) {
        log.end(false, end);
      }
      if (prev >= 0) {
        Releasable.releaseIfOwned(Pages.get(results, prev));
        Pages.set(results, prev, null); // a fused member's only dependent has run
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
   * Records a finished unit without a lock: releases the inputs whose last dependent it was, and
   * writes into {@code readied} the dependents whose last input it was; returns how many.
   */
  private int complete(int head, int tail, int[] readied) {
    long now = 0L;
    for (int k = 0, c = plan.depCount(head); k < c; k++) {
      int d = plan.dep(head, k);
      int left = plan.dependentCount(d) == 1 ? 0 : countDown(refs, d);
      if (left == 0 && !plan.isOutput(d)) {
        Object r = Pages.get(results, d);
        Pages.set(results, d, null);
        Releasable.releaseIfOwned(r);
        if (taskEvents) {
          if (now == 0L) {
            now = EventClock.epochNanos();
          }
          publishTask(d, now, now, TaskEvent.State.RELEASED, null);
        }
      }
    }
    int count = 0;
    for (int k = 0, c = plan.dependentCount(tail); k < c; k++) {
      int u = plan.dependent(tail, k);
      int left = plan.depCount(u) == 1 ? 0 : countDown(waiting, u);
      if (left == 0) {
        readied[count++] = u;
      }
    }
    return count;
  }

  /** Atomically decrements entry {@code i} of a paged count; returns what is left. */
  private static int countDown(int[][] counts, int i) {
    return (int) COUNTS.getAndAdd(counts[Pages.page(i)], Pages.slot(i), -1) - 1;
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
