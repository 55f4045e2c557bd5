package io.jdask.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A reader of the in-process task stream ({@link TaskStream#open()}): from its opening on, every
 * task that an in-process backend runs, on any thread, as a {@link TaskRecord}, read when the
 * reader's owner asks, at its own pace. Used by one thread at a time. Closing it stops the
 * recording it asked for; a poll after closing still reads what was recorded before.
 */
public final class TaskStreamReader implements AutoCloseable {
  /** Logs made by threads since the last poll, with where to read them from. */
  private final ConcurrentLinkedQueue<Cursor> joined = new ConcurrentLinkedQueue<>();
  private final List<Cursor> cursors = new ArrayList<>();
  private final TaskRecords view = new TaskRecords();
  private boolean closed;
  private long lastRunningLook; // when pollRunning last looked: a task seen then and now ran since then

  /**
   * A task that runs now without a record of its own (a short task's span, counted, see {@link
   * TaskRecords}), found running on two looks of {@link #pollRunning}: so it has run since
   * {@code sinceNanos} at least (epoch nanoseconds). Its end comes in the counts of its span.
   */
  public record CountedTask(Thread thread, long runId, String worker, int node, String key, String group,
      long sinceNanos) {}

  TaskStreamReader() {}

  /** Starts reading {@code log} from the writer's next task on. */
  void attach(TaskStreamLog log) {
    TaskStreamLog.Position at = new TaskStreamLog.Position();
    log.attach(at);
    joined.add(new Cursor(log, at));
  }

  /**
   * Hands the consumer every task that ended since the last poll, as slices of each thread's
   * log in that thread's order (no order across threads); a thread's slice ends with the task it
   * runs now, if any, which is handed again on every poll until it ends. Returns how many ended
   * tasks were handed (a count record stands for {@link TaskRecords#tasks} of them).
   */
  public int poll(Consumer<TaskRecords> consumer) {
    for (Cursor c; (c = joined.poll()) != null; ) {
      cursors.add(c);
    }
    int n = 0;
    for (int k = 0; k < cursors.size(); k++) {
      Cursor c = cursors.get(k);
      boolean dead = !c.log.owner.isAlive(); // read before draining: nothing can follow it
      n += c.drain(consumer, view);
      if (dead || c.at.done) {
        cursors.remove(k--);
      }
    }
    return n;
  }

  /**
   * Hands the consumer, for each thread, the counted task it runs now if it ran it at the last
   * call too: a task that turned out long inside a span of short ones, which the records do not
   * show until its span closes. Call it after {@link #poll}, every few milliseconds: whatever the
   * records handed before say of the thread, this task came after.
   */
  public void pollRunning(Consumer<CountedTask> consumer) {
    long now = EventClock.epochNanos();
    for (Cursor c : cursors) {
      TaskStreamLog.CountedNow seen = c.log.countedRunning();
      if (seen != null && seen.sameTask(c.lastCounted) && seen.node() < seen.plan().size()) {
        io.jdask.graph.Task t = seen.plan().task(seen.node());
        consumer.accept(new CountedTask(c.log.owner, seen.run().runId(), seen.run().worker(), seen.node(), t.key(),
            t.group(), lastRunningLook));
      }
      c.lastCounted = seen == null ? null : seen.withoutPlan();
    }
    lastRunningLook = now;
  }

  /**
   * Stops the recording this reader asked for. What was recorded before can still be polled;
   * chunks it holds and never reads are left to the collector rather than reused.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      TaskStream.closed(this); // no log attaches this reader from now on
      for (Cursor c; (c = joined.poll()) != null; ) {
        cursors.add(c);
      }
      for (Cursor c : cursors) {
        c.log.detach(c.at);
      }
    }
  }

  private static final class Cursor {
    final TaskStreamLog log;
    final TaskStreamLog.Position at;
    TaskStreamLog.CountedNow lastCounted; // what pollRunning saw last

    Cursor(TaskStreamLog log, TaskStreamLog.Position at) {
      this.log = log;
      this.at = at;
    }

    int drain(Consumer<TaskRecords> consumer, TaskRecords view) {
      if (at.done) {
        return 0;
      }
      if (at.chunk == null) {
        at.chunk = at.first; // set by the writer when it began a chunk counting this reader
        if (at.chunk == null) {
          return 0;
        }
      }
      int n = 0;
      TaskStreamLog.Chunk c = at.chunk;
      int i = at.index;
      try {
        while (true) {
          int count = c.count();
          if (!at.spanKnown) {
            // Records of a span begun before this reader opened: their start is unknown, so
            // they are not handed on (as tasks begun before the opening are not).
            while (i < count && c.start[i] == 0 && c.end(i) != 0) {
              i++;
            }
            if (i < count && c.start[i] == 0) {
              return n; // one of them still runs
            }
            at.spanKnown = i < count;
          }
          if (i < count) {
            int j = i;
            while (j < count && c.end(j) != 0) {
              j++;
            }
            view.point(c, i, j < count ? j + 1 : count, log.owner, j < count); // with the running one, if any
            consumer.accept(view);
            for (int k = i; k < j; k++) {
              n += c.tasks[k]; // a count record stands for many
            }
            i = j;
            if (j < count) {
              return n; // it runs: handed again next time
            }
          }
          TaskStreamLog.Chunk next = c.next;
          if (next == null) {
            return n; // the writer is still on c
          }
          if (i < c.count()) {
            continue; // it wrote more to c before going on
          }
          log.release(c); // read to its end: it may be reused at once, so c is not touched again
          if (c == at.stop) {
            at.done = true;
            c = null;
            return n;
          }
          c = next;
          i = 0;
        }
      } finally {
        at.chunk = c;
        at.index = i;
      }
    }
  }
}
