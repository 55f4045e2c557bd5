package io.jdask.dashboard;

import io.jdask.spi.RunEvent;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import io.jdask.spi.WorkerEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The dashboard's only contact with running computations: a listener that queues events and
 * does nothing else on the publishing (worker) thread.
 *
 * <p>Why not {@code EventBuffer}'s shared {@code ConcurrentLinkedQueue}: there, every event
 * allocates a queue node and every worker CASes the same tail, so two busy workers contend on
 * one cache line once per event. Here each publishing thread owns a <em>lane</em>: a linked list
 * of fixed-size chunks it alone appends to, publishing each append with a release store (a
 * plain store on x86, no fence). The dashboard's own thread drains every lane on each tick. A
 * lane keeps events of one thread in order, which is what a task stream row needs; across lanes
 * there is no order, and the model does not rely on one.
 *
 * <p>RELEASED events are dropped here unless the graph page draws their run: those of the latest
 * run small enough to draw ({@link GraphView#MAX_NODES}), or all of them while a graph given to
 * showGraph is on the page ({@link #keepReleased}). They are a third of a tree's events and the
 * task stream does not draw them.
 *
 * <p>A run's STARTED event does not go into a lane but into one shared queue ({@code starts}),
 * handed on before any task or end event of a newer run: lanes are drained one after the other, so
 * from a lane the run's first task events could reach the model before the caller's lane
 * brings their run's STARTED, and the graph page, which builds the run's graph from that event,
 * would miss their states. Runs are rare next to tasks, so one queue shared by all threads costs
 * nothing noticeable there. And a STARTED
 * event directly followed in its lane by the end of the same task is skipped when draining: the
 * task is no longer running, and the end event says all the model needs. For short tasks that
 * halves the dashboard thread's work, which on a small machine competes with the workers.
 */
final class EventFeed implements TaskListener, AutoCloseable {
  /** Events per chunk: big enough that allocating chunks is rare, small enough to waste little. */
  private static final int CHUNK = 1024;

  private final CopyOnWriteArrayList<Lane> lanes = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Lane> myLane = ThreadLocal.withInitial(this::newLane);
  private final Subscription subscription;
  private volatile boolean keepReleased;
  /** The run whose graph the page draws, or {@link #NO_RUN}; set before that run's task events. */
  private volatile long graphRunId = NO_RUN;
  private static final long NO_RUN = -1;
  private final ConcurrentLinkedQueue<RunEvent> starts = new ConcurrentLinkedQueue<>();
  /** Consumer only: every run up to this id has had its STARTED event (if any) handed on. */
  private long announced;

  EventFeed() {
    subscription = TaskEvents.subscribe(this);
  }

  void keepReleased(boolean keep) {
    keepReleased = keep;
  }

  @Override
  public void onTask(TaskEvent event) {
    if (event.state() != TaskEvent.State.RELEASED || keepReleased || event.runId() == graphRunId) {
      myLane.get().add(event);
    }
  }

  @Override
  public void onRun(RunEvent event) {
    if (event.kind() != RunEvent.Kind.STARTED) {
      myLane.get().add(event);
      return;
    }
    // Called on the run's publishing thread before any of its task events: its RELEASED events
    // are kept from the first one on. Only a size check here; the graph is built when drained.
    graphRunId = event.plan() != null && event.plan().size() <= GraphView.MAX_NODES ? event.runId() : NO_RUN;
    starts.add(event);
  }

  @Override
  public void onWorker(WorkerEvent event) {
    myLane.get().add(event);
  }

  /** Hands every queued event to the consumer; call from one thread only. Returns how many. */
  int drain(Consumer<Object> consumer) {
    int[] runStarts = {announce(consumer)};
    Consumer<Object> inOrder = e -> {
      long run = e instanceof TaskEvent t ? t.runId() : e instanceof RunEvent r ? r.runId() : 0;
      if (run > announced) {
        // A newer run's task or end: its STARTED was queued before it was published, so it is there.
        announced = run;
        runStarts[0] += announce(consumer);
      }
      consumer.accept(e);
    };
    int n = 0;
    for (Lane lane : lanes) {
      boolean ownerDead = !lane.owner.isAlive(); // read before draining: nothing can follow it
      n += lane.drain(inOrder);
      if (ownerDead) {
        lanes.remove(lane);
      }
    }
    return n + runStarts[0];
  }

  /** Hands on the queued STARTED events, oldest first. Returns how many. */
  private int announce(Consumer<Object> consumer) {
    int n = 0;
    for (RunEvent e; (e = starts.poll()) != null; n++) {
      announced = Math.max(announced, e.runId());
      consumer.accept(e);
    }
    return n;
  }

  @Override
  public void close() {
    subscription.close();
  }

  private Lane newLane() {
    Lane lane = new Lane(Thread.currentThread());
    lanes.add(lane);
    return lane;
  }

  /** One producer thread's queue: single producer, single consumer. */
  private static final class Lane {
    final Thread owner;
    Chunk tail; // producer only
    int tailCount; // producer only: items written into tail
    Chunk head; // consumer only
    int headPos; // consumer only

    Lane(Thread owner) {
      this.owner = owner;
      tail = head = new Chunk();
    }

    void add(Object e) {
      if (tailCount == CHUNK) {
        Chunk next = new Chunk();
        next.items[0] = e;
        next.count = 1; // plain: published by the volatile write of 'next' below
        tailCount = 1;
        tail.next = next;
        tail = next;
        return;
      }
      tail.items[tailCount] = e;
      tailCount++;
      COUNT.setRelease(tail, tailCount);
    }

    int drain(Consumer<Object> consumer) {
      int n = 0;
      TaskEvent started = null; // held back until we know whether its end follows
      while (true) {
        Chunk c = head;
        int available = (int) COUNT.getAcquire(c);
        while (headPos < available) {
          Object e = c.items[headPos];
          c.items[headPos++] = null;
          n++;
          if (started != null) {
            if (!endOf(started, e)) {
              consumer.accept(started);
            }
            started = null;
          }
          if (e instanceof TaskEvent t && t.state() == TaskEvent.State.STARTED) {
            started = t;
          } else {
            consumer.accept(e);
          }
        }
        Chunk next = headPos == CHUNK ? c.next : null;
        if (next == null) {
          if (started != null) {
            consumer.accept(started); // still running, as far as we know
          }
          return n;
        }
        head = next;
        headPos = 0;
      }
    }

    /** True if {@code e} is the FINISHED or FAILED event of the task {@code started} began. */
    private static boolean endOf(TaskEvent started, Object e) {
      return e instanceof TaskEvent t
          && (t.state() == TaskEvent.State.FINISHED || t.state() == TaskEvent.State.FAILED)
          && t.startNanos() == started.startNanos()
          && t.runId() == started.runId();
    }
  }

  private static final class Chunk {
    final Object[] items = new Object[CHUNK];
    int count; // accessed through COUNT with release/acquire
    volatile Chunk next;
  }

  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Chunk.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
