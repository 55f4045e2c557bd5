package io.jdask.dashboard;

import io.jdask.spi.RunEvent;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import io.jdask.spi.TaskRecords;
import io.jdask.spi.TaskStream;
import io.jdask.spi.TaskStreamReader;
import io.jdask.spi.WorkerEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The dashboard's only contact with running computations. Tasks of this JVM come from a
 * {@link TaskStreamReader}: their threads only write a record into their own log, and this
 * feed reads the logs when the dashboard's thread drains it. Everything else (run events,
 * worker heartbeats, the task events of worker processes) comes through the listener, which
 * only queues it.
 *
 * <p>Why not {@code EventBuffer}'s shared {@code ConcurrentLinkedQueue} for those: there, every
 * event allocates a queue node and every publisher CASes the same tail, so busy threads contend
 * on one cache line once per event (worker processes' events arrive at tens of thousands a
 * second). Here each publishing thread owns a <em>lane</em>: a linked list of fixed-size chunks
 * it alone appends to, publishing each append with a release store (a plain store on x86, no
 * fence). A lane keeps events of one thread in order; across lanes there is no order, and the
 * model does not rely on one.
 *
 * <p>RELEASED events are dropped: the graph page works out which results were released from the
 * plan and the ends of their dependents.
 *
 * <p>Order matters in two places. A run's STARTED event does not go into a lane but into one
 * shared queue ({@code starts}), handed on before any task or end of a newer run, because the
 * graph page builds the run's graph from that event. And the lanes are read before the task
 * stream but handed on after it: a run's end is published after its tasks were recorded, so
 * its tasks reach the model before its end does. A STARTED event directly followed in its lane
 * by the end of the same task is skipped: the task is no longer running, and the end event says
 * all the model needs.
 */
final class EventFeed implements TaskListener, AutoCloseable {
  /** Events per chunk: big enough that allocating chunks is rare, small enough to waste little. */
  private static final int CHUNK = 1024;

  private final CopyOnWriteArrayList<Lane> lanes = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Lane> myLane = ThreadLocal.withInitial(this::newLane);
  private final TaskStreamReader stream;
  private final Subscription subscription;
  private final ConcurrentLinkedQueue<RunEvent> starts = new ConcurrentLinkedQueue<>();
  /** Consumer only: every run up to this id has had its STARTED event (if any) handed on. */
  private long announced;
  private int handed; // consumer only: counted in a lambda
  /** Consumer only: lane events read, to hand on after the task stream. */
  private final ArrayList<Object> fromLanes = new ArrayList<>();

  EventFeed() {
    stream = TaskStream.open(); // before subscribing: a run that sees the listener records its tasks
    subscription = TaskEvents.subscribe(this);
  }

  @Override
  public boolean readsTaskStream() {
    return true;
  }

  @Override
  public void onTask(TaskEvent event) {
    if (event.state() != TaskEvent.State.RELEASED) {
      myLane.get().add(event);
    }
  }

  @Override
  public void onRun(RunEvent event) {
    if (event.kind() == RunEvent.Kind.STARTED) {
      starts.add(event);
    } else {
      myLane.get().add(event);
    }
  }

  @Override
  public void onWorker(WorkerEvent event) {
    myLane.get().add(event);
  }

  /**
   * Hands every queued event to {@code events} and every task recorded in this JVM to
   * {@code tasks} (see {@link TaskStreamReader#poll}); call from one thread only. Returns how
   * many were handed on, running tasks included.
   */
  int drain(Consumer<Object> events, Consumer<TaskRecords> tasks) {
    int n = announce(events);
    for (Lane lane : lanes) {
      boolean ownerDead = !lane.owner.isAlive(); // read before draining: nothing can follow it
      n += lane.drain(fromLanes::add);
      if (ownerDead) {
        lanes.remove(lane);
      }
    }
    handed = 0;
    stream.poll(slice -> {
      // A run's STARTED is queued before any of its tasks is recorded: what is queued now
      // covers every run in the slice.
      handed += announce(events) + slice.size(); // running tasks count too: what runs now is news
      tasks.accept(slice);
    });
    // Long tasks counted inside a span show nowhere in the records until it closes: after them.
    stream.pollRunning(c -> {
      handed++;
      events.accept(c);
    });
    n += handed;
    for (int i = 0; i < fromLanes.size(); i++) {
      Object e = fromLanes.get(i);
      long run = e instanceof TaskEvent t ? t.runId() : e instanceof RunEvent r ? r.runId() : 0;
      if (run > announced) {
        n += announce(events);
      }
      events.accept(e);
    }
    fromLanes.clear();
    return n;
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
    stream.close();
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
