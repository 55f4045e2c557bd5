package io.jdask.processes;

import io.jdask.TaskFailedException;
import io.jdask.graph.Plan;
import io.jdask.spi.EventClock;
import io.jdask.spi.IntHeap;
import io.jdask.spi.RunEvent;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One computation on worker JVMs: the client-side scheduling state, written by one thread (the
 * caller of {@code compute()}), which drains an inbox of what workers reported.
 *
 * <h2>State</h2>
 *
 * Per unit (named by its head, see {@link Plan}): {@code state} WAITING → READY → RUNNING →
 * DONE, the worker it runs on, whether it started, and how many workers died while it ran.
 * Per node: the worker {@code holder} that keeps its result (-1: none, because not computed,
 * released or lost), its estimated size, and {@code refs}, the dependents still to run. An
 * output's value comes back with the report of the unit that made it.
 *
 * <h2>Placement</h2>
 *
 * A ready unit goes to the worker, among those with a free slot, that holds the most bytes of
 * its inputs (ties: the least busy); inputs elsewhere move worker to worker. A worker has
 * {@code threads × (1 + queued)} slots, where {@code queued} grows as tasks get shorter (enough
 * queued work for about {@link #QUEUE_NANOS} per thread, at least {@code processes.prefetch},
 * at most {@link #MAX_QUEUED}): short tasks then travel in batches, while long ones are not
 * hoarded by one worker. Reports are handled in bursts: everything that arrived is recorded
 * before the next dispatch, so one Execute carries many units.
 *
 * <h2>Recovery</h2>
 *
 * When a worker dies, its results are lost and its units stop. {@link #recover()} rebuilds the
 * state from what is left: every unit not done is needed; a needed unit whose input is not held
 * by a live worker makes that input's unit needed again, recursively (lineage); waiting counts
 * and reference counts are recomputed from scratch. A unit that was running on three workers
 * when they died fails the computation, naming it, instead of killing workers forever.
 */
final class ProcessRun {
  /** Deaths a unit may witness; the third fails the computation (like Dask's allowed-failures). */
  static final int MAX_DEATHS = 3;
  /** Work to queue per worker thread: a few round trips of loopback latency on a busy machine. */
  static final long QUEUE_NANOS = 5_000_000L;
  /** Most units queued per worker thread, however short they are. */
  static final int MAX_QUEUED = 512;
  /**
   * Result bytes a thread's queue may produce ahead of their consumers: deep queues of tasks with
   * large results would make results faster than the reduction above them frees them.
   */
  static final long QUEUE_BYTES = 4L << 20;

  private static final byte WAITING = 0;
  private static final byte READY = 1;
  private static final byte RUNNING = 2;
  private static final byte DONE = 3;

  /** Messages to the run's thread. */
  record FromWorker(WorkerProcess worker, Message message) {}

  record WorkerLost(WorkerProcess worker) {}

  record WorkerJoined(WorkerProcess worker) {}

  record WorkerFault(WorkerProcess worker, Exception error) {}

  private final ProcessesBackend backend;
  private final Plan plan;
  private final long runId = TaskEvents.newRunId();
  private final boolean observed = TaskEvents.active();
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final int n;
  private final byte[] state;
  private final int[] waiting;
  private final int[] runningOn;
  private final int[] deaths;
  private final int[] holder;
  private final long[] size;
  private final int[] refs;
  private final int[] headOf;
  private final Object[] outputValue;
  private final boolean[] hasOutputValue;
  private final IntHeap ready;
  private final Map<Integer, WorkerProcess> workers = new LinkedHashMap<>();
  private final Map<Integer, Integer> inFlight = new HashMap<>();
  // Per worker, its units in dispatch order. A worker runs them first come, first served, so
  // when it dies the first `threads` of them are the ones that were running.
  private final Map<Integer, java.util.LinkedHashSet<Integer>> dispatched = new HashMap<>();
  // Per task group (as Dask keeps per key prefix): moving averages of run time and result size.
  private final int[] groupOf; // per unit head
  private final double[] meanUnitNanos;
  private final double[] meanResultBytes;
  private int unitsLeft;

  ProcessRun(ProcessesBackend backend, Plan plan) {
    this.backend = backend;
    this.plan = plan;
    this.n = plan.size();
    state = new byte[n];
    waiting = new int[n];
    runningOn = new int[n];
    deaths = new int[n];
    holder = new int[n];
    size = new long[n];
    refs = new int[n];
    headOf = new int[n];
    outputValue = new Object[n];
    hasOutputValue = new boolean[n];
    ready = new IntHeap(Math.min(n, 1 << 16));
    Arrays.fill(holder, -1);
    for (int i = 0; i < n; i++) {
      if (plan.isHead(i)) {
        for (int m = i; m >= 0; m = plan.next(m)) {
          headOf[m] = i;
        }
      }
    }
    groupOf = new int[n];
    Map<String, Integer> groups = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (plan.isHead(i)) {
        groupOf[i] = groups.computeIfAbsent(plan.group(i), g -> groups.size());
      }
    }
    meanUnitNanos = new double[groups.size()];
    meanResultBytes = new double[groups.size()];
    Arrays.fill(meanUnitNanos, -1);
    Arrays.fill(meanResultBytes, -1);
    for (WorkerProcess w : backend.workers()) {
      join(w);
    }
  }

  private void join(WorkerProcess w) {
    workers.put(w.id, w);
    inFlight.put(w.id, 0);
    dispatched.put(w.id, new java.util.LinkedHashSet<>());
  }

  long runId() {
    return runId;
  }

  void post(Object event) {
    inbox.add(event);
  }

  List<Object> execute() {
    // Every function must be able to travel before anything runs.
    for (int i = 0; i < n; i++) {
      if (!plan.task(i).isData()) {
        backend.functionId(plan.task(i).function(), plan.key(i));
      }
    }
    if (observed) {
      TaskEvents.publish(new RunEvent(runId, RunEvent.Kind.STARTED, backend.name(), plan.taskCount(),
          null, EventClock.epochNanos(), null, plan));
    }
    try {
      initialise();
      while (unitsLeft > 0) {
        dispatch();
        List<Object> events = new ArrayList<>();
        try {
          if (workers.isEmpty()) {
            // Every worker died; replacements are starting. Do not wait forever for them.
            Object first = inbox.poll(backend.settings().startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
              throw new IllegalStateException("no worker JVM is running and none started within "
                  + backend.settings().startTimeout().toSeconds() + " s (see the worker output above)");
            }
            events.add(first);
          } else {
            events.add(inbox.take());
          }
        } catch (InterruptedException e) {
          cancel();
          Thread.currentThread().interrupt();
          throw new CancellationException("computation cancelled: the calling thread was interrupted");
        }
        inbox.drainTo(events);
        for (Object event : events) {
          handle(event);
        }
      }
    } catch (RuntimeException | Error e) {
      for (WorkerProcess w : workers.values()) {
        backend.trySend(w, new Message.Forget(runId, true));
      }
      publishRunEnd(e instanceof CancellationException ? RunEvent.Kind.CANCELLED : RunEvent.Kind.FAILED, e);
      throw e;
    }
    List<Object> out = new ArrayList<>(plan.outputCount());
    for (int k = 0; k < plan.outputCount(); k++) {
      int node = plan.output(k);
      out.add(plan.task(node).isData() ? plan.task(node).value() : outputValue[node]);
    }
    publishRunEnd(RunEvent.Kind.FINISHED, null);
    return out;
  }

  private void initialise() {
    for (int i = 0; i < n; i++) {
      refs[i] = plan.dependentCount(i);
      if (!plan.isHead(i)) {
        continue;
      }
      if (plan.task(i).isData()) { // a value requested as an output: nothing to run
        state[i] = DONE;
        continue;
      }
      unitsLeft++;
      waiting[i] = plan.depCount(i);
      state[i] = waiting[i] == 0 ? READY : WAITING;
      if (state[i] == READY) {
        ready.add(i);
      }
    }
  }

  private void cancel() {
    for (WorkerProcess w : workers.values()) {
      backend.trySend(w, new Message.Forget(runId, true));
    }
  }

  // ---- dispatch --------------------------------------------------------------------------

  private void dispatch() {
    Map<WorkerProcess, List<Message.Unit>> batches = new LinkedHashMap<>();
    while (ready.size() > 0) {
      if (workers.isEmpty()) {
        return; // a replacement is starting; WorkerJoined will wake us
      }
      int head = ready.poll();
      if (state[head] != READY) {
        continue; // stale entry: recovery rebuilt the queue
      }
      WorkerProcess w = place(head);
      if (w == null) {
        ready.add(head);
        break;
      }
      state[head] = RUNNING;
      runningOn[head] = w.id;
      inFlight.merge(w.id, 1, Integer::sum);
      dispatched.get(w.id).add(head);
      batches.computeIfAbsent(w, x -> new ArrayList<>()).add(unitSpec(head, w));
    }
    for (Map.Entry<WorkerProcess, List<Message.Unit>> b : batches.entrySet()) {
      send(b.getKey(), b.getValue());
    }
  }

  private WorkerProcess place(int head) {
    Map<Integer, Long> bytes = new HashMap<>();
    for (int k = 0, c = plan.depCount(head); k < c; k++) {
      int d = plan.dep(head, k);
      if (holder[d] >= 0) {
        bytes.merge(holder[d], size[d], Long::sum);
      }
    }
    WorkerProcess best = null;
    long bestBytes = -1;
    int bestLoad = Integer.MAX_VALUE;
    int queued = backend.settings().prefetch();
    int g = groupOf[head];
    if (meanUnitNanos[g] > 0) {
      double byTime = QUEUE_NANOS / Math.max(1.0, meanUnitNanos[g]);
      double byBytes = QUEUE_BYTES / Math.max(1.0, meanResultBytes[g]);
      queued = (int) Math.max(queued, Math.min(MAX_QUEUED, Math.min(byTime, byBytes)));
    }
    for (WorkerProcess w : workers.values()) {
      int load = inFlight.getOrDefault(w.id, 0);
      if (load >= w.threads * (1 + queued)) {
        continue;
      }
      long b = bytes.getOrDefault(w.id, 0L);
      if (b > bestBytes || (b == bestBytes && load < bestLoad)) {
        best = w;
        bestBytes = b;
        bestLoad = load;
      }
    }
    return best;
  }

  private Message.Unit unitSpec(int head, WorkerProcess w) {
    int len = 0;
    for (int m = head; m >= 0; m = plan.next(m)) {
      len++;
    }
    int[] nodes = new int[len];
    int[] fnIds = new int[len];
    Object[][] args = new Object[len][];
    byte[][] kinds = new byte[len][];
    int i = 0;
    for (int m = head; m >= 0; m = plan.next(m), i++) {
      nodes[i] = m;
      fnIds[i] = backend.functionId(plan.task(m).function(), plan.key(m));
      kinds[i] = new byte[plan.argCount(m)];
      int self = w.id;
      args[i] = plan.portableArgs(m, d -> inputRef(d, self), kinds[i]);
    }
    return new Message.Unit(nodes, fnIds, args, kinds, plan.isOutput(nodes[len - 1]));
  }

  private Message.InputRef inputRef(int node, int forWorker) {
    int h = holder[node];
    if (h < 0) {
      // A fused predecessor: computed just before, in the same worker.
      return new Message.InputRef(runId, node, forWorker, 0);
    }
    WorkerProcess w = workers.get(h);
    return new Message.InputRef(runId, node, h, w == null ? 0 : w.peerPort);
  }

  private void send(WorkerProcess w, List<Message.Unit> units) {
    List<Message> frames = new ArrayList<>();
    for (Message.Unit u : units) {
      for (int fnId : u.fnIds()) {
        if (w.functionsSent.add(fnId)) {
          frames.add(new Message.DefineFunction(fnId, plan.task(nodeWithFn(u, fnId)).function()));
        }
      }
    }
    frames.add(new Message.Execute(runId, observed, units));
    for (Message m : frames) {
      byte[] frame;
      try {
        frame = Wire.encode(m);
      } catch (NotSerializableException e) {
        throw new IllegalArgumentException("an argument of a task cannot be sent to a worker JVM: "
            + e.getMessage() + " is not Serializable (tasks " + keysOf(units) + ")", e);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot serialize tasks " + keysOf(units) + ": " + e, e);
      }
      try {
        w.send(frame);
      } catch (java.io.IOException e) {
        backend.workerLost(w, "send failed: " + e.getMessage());
        return; // WorkerLost puts these units back
      }
    }
  }

  private int nodeWithFn(Message.Unit u, int fnId) {
    for (int i = 0; i < u.fnIds().length; i++) {
      if (u.fnIds()[i] == fnId) {
        return u.nodes()[i];
      }
    }
    throw new IllegalStateException("function " + fnId + " not in unit");
  }

  private List<String> keysOf(List<Message.Unit> units) {
    List<String> keys = new ArrayList<>();
    for (Message.Unit u : units) {
      keys.add(plan.key(u.nodes()[0]));
      if (keys.size() == 3) {
        break;
      }
    }
    return keys;
  }

  // ---- reports ---------------------------------------------------------------------------

  private void handle(Object event) {
    if (event instanceof WorkerJoined j) {
      join(j.worker());
    } else if (event instanceof WorkerFault f) {
      throw new IllegalStateException(f.worker().name() + " sent a message that could not be read: "
          + f.error().getMessage(), f.error());
    } else if (event instanceof WorkerLost l) {
      lost(l.worker());
    } else if (event instanceof FromWorker f) {
      if (!workers.containsKey(f.worker().id)) {
        return; // a report from a worker already given up on
      }
      Message m = f.message();
      if (m instanceof Message.NodeStarted s) {
        if (observed) {
          publish(s.node(), f.worker(), s.thread(), s.startNanos(), s.startNanos(), TaskEvent.State.STARTED, -1, null);
        }
      } else if (m instanceof Message.UnitFinished u) {
        finished(f.worker(), u);
      } else if (m instanceof Message.NodeFailed x) {
        failed(f.worker(), x);
      }
    }
  }

  private void finished(WorkerProcess w, Message.UnitFinished u) {
    int head = u.head();
    if (state[head] != RUNNING || runningOn[head] != w.id) {
      return; // stale: the unit was moved after a worker died
    }
    inFlight.merge(w.id, -1, Integer::sum);
    dispatched.get(w.id).remove(head);
    int[] nodes = u.nodes();
    long ran = u.ends()[nodes.length - 1] - u.starts()[0];
    int g = groupOf[head];
    meanUnitNanos[g] = meanUnitNanos[g] < 0 ? ran : 0.9 * meanUnitNanos[g] + 0.1 * ran;
    meanResultBytes[g] = meanResultBytes[g] < 0 ? u.resultBytes() : 0.9 * meanResultBytes[g] + 0.1 * u.resultBytes();
    int tail = nodes[nodes.length - 1];
    holder[tail] = w.id;
    size[tail] = u.resultBytes();
    if (u.hasValue()) {
      outputValue[tail] = u.value();
      hasOutputValue[tail] = true;
    }
    if (observed) {
      for (int i = 0; i < nodes.length; i++) {
        publish(nodes[i], w, u.thread(), u.starts()[i], u.ends()[i], TaskEvent.State.FINISHED,
            i == nodes.length - 1 ? u.resultBytes() : -1, null);
        if (i > 0) {
          publish(nodes[i - 1], w, u.thread(), u.ends()[i], u.ends()[i], TaskEvent.State.RELEASED, -1, null);
        }
      }
    }
    state[head] = DONE;
    unitsLeft--;
    Map<Integer, List<Integer>> releases = new HashMap<>();
    for (int k = 0, c = plan.depCount(head); k < c; k++) {
      int d = plan.dep(head, k);
      if (--refs[d] == 0 && !plan.isOutput(d) && holder[d] >= 0) {
        releases.computeIfAbsent(holder[d], x -> new ArrayList<>()).add(d);
        holder[d] = -1;
        if (observed) {
          long now = EventClock.epochNanos();
          publish(d, w, "client", now, now, TaskEvent.State.RELEASED, -1, null);
        }
      }
    }
    for (Map.Entry<Integer, List<Integer>> r : releases.entrySet()) {
      WorkerProcess h = workers.get(r.getKey());
      if (h != null) {
        backend.trySend(h, new Message.Release(runId, r.getValue().stream().mapToInt(Integer::intValue).toArray()));
      }
    }
    for (int k = 0, c = plan.dependentCount(tail); k < c; k++) {
      int dep = plan.dependent(tail, k);
      if (state[dep] == WAITING && --waiting[dep] == 0) {
        state[dep] = READY;
        ready.add(dep);
      }
    }
  }

  private void failed(WorkerProcess w, Message.NodeFailed f) {
    int head = f.head();
    if (state[head] != RUNNING || runningOn[head] != w.id) {
      return;
    }
    inFlight.merge(w.id, -1, Integer::sum);
    dispatched.get(w.id).remove(head);
    if (f.error() instanceof InputUnavailableException) {
      // An input's holder is gone: if the backend has not noticed yet, tell it now; either way
      // recovery puts this unit back once its inputs exist again.
      state[head] = WAITING;
      for (WorkerProcess other : new ArrayList<>(workers.values())) {
        if (!other.alive()) {
          backend.workerLost(other, "process ended");
          lost(other);
        }
      }
      recover();
      return;
    }
    if (observed) {
      publish(f.node(), w, f.thread(), f.startNanos(), f.endNanos(), TaskEvent.State.FAILED, -1, f.error().toString());
    }
    throw new TaskFailedException(plan.key(f.node()), w.name() + "/" + f.thread(), f.error());
  }

  private void lost(WorkerProcess w) {
    if (workers.remove(w.id) == null) {
      return;
    }
    inFlight.remove(w.id);
    java.util.LinkedHashSet<Integer> order = dispatched.remove(w.id);
    int position = 0;
    for (int u : order) {
      boolean wasRunning = position++ < w.threads;
      if (state[u] == RUNNING && runningOn[u] == w.id) {
        if (wasRunning && ++deaths[u] >= MAX_DEATHS) {
          int node = plan.tail(u);
          throw new TaskFailedException(plan.key(u), w.name(), new IllegalStateException(
              "task '" + plan.key(u) + "' was running on " + MAX_DEATHS + " workers when they died (last: "
                  + w.name() + ", pid " + w.pid + "); it is failed rather than allowed to kill more"
                  + (node != u ? " (fused with '" + plan.key(node) + "')" : "")));
        }
        state[u] = WAITING;
      }
    }
    for (int u = 0; u < n; u++) {
      if (plan.isHead(u) && state[u] == RUNNING && runningOn[u] == w.id) {
        state[u] = WAITING; // dispatched but never recorded (e.g. a send that failed)
      }
    }
    for (int i = 0; i < n; i++) {
      if (holder[i] == w.id) {
        holder[i] = -1;
      }
    }
    recover();
  }

  /** Rebuilds waiting counts, reference counts and the ready queue after results were lost. */
  private void recover() {
    // Needed units: every unit not done, plus (recursively) the units whose lost results they need.
    boolean[] needed = new boolean[n];
    int[] stack = new int[n];
    int sp = 0;
    for (int u = 0; u < n; u++) {
      if (plan.isHead(u) && state[u] != DONE) {
        needed[u] = true;
        stack[sp++] = u;
      }
    }
    while (sp > 0) {
      int u = stack[--sp];
      for (int k = 0, c = plan.depCount(u); k < c; k++) {
        int d = plan.dep(u, k);
        int dh = headOf[d];
        if (holder[d] < 0 && !plan.task(d).isData() && !needed[dh]) {
          needed[dh] = true;
          if (state[dh] == DONE) {
            state[dh] = WAITING;
            unitsLeft++;
          }
          stack[sp++] = dh;
        }
      }
    }
    ready.clear();
    for (int u = 0; u < n; u++) {
      if (!needed[u] || state[u] == RUNNING) {
        continue;
      }
      int w = 0;
      for (int k = 0, c = plan.depCount(u); k < c; k++) {
        if (holder[plan.dep(u, k)] < 0) {
          w++;
        }
      }
      waiting[u] = w;
      state[u] = w == 0 ? READY : WAITING;
      if (w == 0) {
        ready.add(u);
      }
    }
    // A held result is needed by its dependents that are not done (and by nothing else).
    for (int d = 0; d < n; d++) {
      if (holder[d] < 0) {
        continue;
      }
      int r = 0;
      for (int k = 0, c = plan.dependentCount(d); k < c; k++) {
        if (needed[plan.dependent(d, k)]) {
          r++;
        }
      }
      refs[d] = r;
    }
  }

  private void publish(int node, WorkerProcess w, String thread, long start, long end, TaskEvent.State s,
      long bytes, String error) {
    TaskEvents.publish(new TaskEvent(runId, plan.task(node), w.name(), thread, start, end, s, bytes, error));
  }

  private void publishRunEnd(RunEvent.Kind kind, Throwable error) {
    if (observed) {
      TaskEvents.publish(new RunEvent(runId, kind, backend.name(), plan.taskCount(), Map.of(),
          EventClock.epochNanos(), error == null ? null : error.toString()));
    }
  }
}
