package io.jdask.spi;

import io.jdask.graph.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One thread's record of the tasks it ran: an append-only list of fixed-size chunks, each a set
 * of primitive columns, written by that thread alone and read by any number of
 * {@link TaskStreamReader}s, each at its own position.
 *
 * <p>A task costs its thread one record: at its start the run, node, key and start time are
 * written and the chunk's count is published with a release store; at its end, the end time
 * is published the same way (negated if the task threw). On x86 both are plain stores: no
 * fence, no allocation but one chunk per {@value #CHUNK} tasks, no lock, no shared cache line.
 * Readers see a started record as running until its end appears. Records nest when a task
 * computes a graph itself (that inner compute runs on the same thread), so open records are
 * kept on a small stack.
 *
 * <p>Chunks that every reader has passed are garbage: nothing but the readers' positions and
 * the writer's tail refers to them. No record refers to a task or its arguments, only to the
 * strings of its key, so a log never keeps a user's data alive.
 */
final class TaskStreamLog {
  /** Records per chunk: a chunk is about 40 KB, allocated once per that many tasks. */
  static final int CHUNK = 1024;

  final Thread owner;
  private volatile Chunk tail = new Chunk();
  private int tailCount; // writer only: records begun in tail
  private Chunk[] openChunk = new Chunk[4]; // writer only: the stack of records begun, not ended
  private int[] openIndex = new int[4];
  private int depth;

  TaskStreamLog(Thread owner) {
    this.owner = owner;
  }

  /** Writer: records that {@code task}, node {@code node} of {@code run}, started at {@code start}. */
  void begin(StreamRun run, int node, Task task, long start) {
    Chunk c = tail;
    int i = tailCount;
    if (i == CHUNK) {
      Chunk next = new Chunk();
      c.next = next;
      tail = next;
      c = next;
      i = 0;
    }
    long id = task.keyId();
    c.run[i] = run;
    c.node[i] = node;
    c.keyName[i] = id != 0 ? task.group() : task.key(); // both are fields: nothing is built here
    c.keyId[i] = id;
    c.start[i] = start;
    tailCount = i + 1;
    COUNT.setRelease(c, i + 1);
    if (depth == openChunk.length) {
      openChunk = Arrays.copyOf(openChunk, depth * 2);
      openIndex = Arrays.copyOf(openIndex, depth * 2);
    }
    openChunk[depth] = c;
    openIndex[depth] = i;
    depth++;
  }

  /** Writer: ends the innermost record begun; {@code failed} if its task threw. */
  void end(long end, boolean failed) {
    depth--;
    Chunk c = openChunk[depth];
    openChunk[depth] = null;
    END.setRelease(c.end, openIndex[depth], failed ? -end : end);
  }

  /** A position at the first record to be written from now on. */
  Position atEnd() {
    Chunk c = tail;
    return new Position(c, (int) COUNT.getAcquire(c));
  }

  /** A position at the first record of this (new) log. */
  Position atStart() {
    return new Position(tail, 0);
  }

  /** A reader's place in a log; the reader's own, never shared. */
  static final class Position {
    Chunk chunk;
    int index;

    Position(Chunk chunk, int index) {
      this.chunk = chunk;
      this.index = index;
    }
  }

  static final class Chunk {
    final StreamRun[] run = new StreamRun[CHUNK];
    final int[] node = new int[CHUNK];
    final String[] keyName = new String[CHUNK];
    final long[] keyId = new long[CHUNK];
    final long[] start = new long[CHUNK];
    /** 0 while the task runs, then its end time, negated if it threw; read and written with acquire/release. */
    final long[] end = new long[CHUNK];
    int count; // records begun; through COUNT with release/acquire
    volatile Chunk next;

    int count() {
      return (int) COUNT.getAcquire(this);
    }

    long end(int i) {
      return (long) END.getAcquire(end, i);
    }
  }

  /** What a record says of its computation; one per run, shared by its records. */
  record StreamRun(long runId, String backend, String worker) {}

  private static final VarHandle COUNT;
  private static final VarHandle END = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Chunk.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
