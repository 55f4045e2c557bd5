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
  private final TaskRecord record = new TaskRecord();
  private boolean closed;

  TaskStreamReader() {}

  void attach(TaskStreamLog log, TaskStreamLog.Position at) {
    joined.add(new Cursor(log, at));
  }

  /**
   * Hands the consumer every task that ended since the last poll, in each thread's order (no
   * order across threads), then, per thread, the task it is running now, if any: that one is
   * handed again on every poll until it ends. Returns how many ended tasks were handed.
   */
  public int poll(Consumer<TaskRecord> consumer) {
    for (Cursor c; (c = joined.poll()) != null; ) {
      cursors.add(c);
    }
    int n = 0;
    for (int k = 0; k < cursors.size(); k++) {
      Cursor c = cursors.get(k);
      boolean dead = !c.log.owner.isAlive(); // read before draining: nothing can follow it
      n += c.drain(consumer, record);
      if (dead) {
        cursors.remove(k--);
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      TaskStream.closed(this);
    }
  }

  private static final class Cursor {
    final TaskStreamLog log;
    final TaskStreamLog.Position at;

    Cursor(TaskStreamLog log, TaskStreamLog.Position at) {
      this.log = log;
      this.at = at;
    }

    int drain(Consumer<TaskRecord> consumer, TaskRecord record) {
      int n = 0;
      TaskStreamLog.Chunk c = at.chunk;
      int i = at.index;
      try {
        while (true) {
          for (int count = c.count(); i < count; i++) {
            long end = c.end(i);
            record.point(c, i, log.owner, end);
            consumer.accept(record);
            if (end == 0) {
              return n; // running: read again, ended, next time
            }
            n++;
          }
          TaskStreamLog.Chunk next = i == TaskStreamLog.CHUNK ? c.next : null;
          if (next == null) {
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
