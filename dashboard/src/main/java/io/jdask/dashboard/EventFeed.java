package io.jdask.dashboard;

import io.jdask.spi.RunEvent;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import io.jdask.spi.WorkerEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>RELEASED events are dropped here unless a graph page wants them ({@link #keepReleased}):
 * they are a third of a tree's events and the task stream does not draw them. And a STARTED
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

  EventFeed() {
    subscription = TaskEvents.subscribe(this);
  }

  void keepReleased(boolean keep) {
    keepReleased = keep;
  }

  @Override
  public void onTask(TaskEvent event) {
    if (event.state() != TaskEvent.State.RELEASED || keepReleased) {
      myLane.get().add(event);
    }
  }

  @Override
  public void onRun(RunEvent event) {
    myLane.get().add(event);
  }

  @Override
  public void onWorker(WorkerEvent event) {
    myLane.get().add(event);
  }

  /** Hands every queued event to the consumer; call from one thread only. Returns how many. */
  int drain(Consumer<Object> consumer) {
    int n = 0;
    for (Lane lane : lanes) {
      boolean ownerDead = !lane.owner.isAlive(); // read before draining: nothing can follow it
      n += lane.drain(consumer);
      if (ownerDead) {
        lanes.remove(lane);
      }
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
