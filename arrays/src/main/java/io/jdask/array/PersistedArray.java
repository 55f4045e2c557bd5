package io.jdask.array;

import io.jdask.Delayed;
import io.jdask.Jdask;
import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * An array whose chunks have been computed and are held in this JVM until {@link #close()}, as
 * Dask's {@code persist()}: later graphs built on {@link #array()} start from the held chunks
 * instead of recomputing them. The chunks stay under this JVM's memory limit (and may be
 * spilled like any other); closing frees them, so use try-with-resources.
 *
 * <p>On the processes scheduler the chunks are brought to the client and travel with the tasks
 * that read them: persist there only what is small.
 */
public final class PersistedArray implements AutoCloseable {
  private final NdArray array;
  private final List<Chunk> chunks;
  private boolean closed;

  private PersistedArray(NdArray array, List<Chunk> chunks) {
    this.array = array;
    this.chunks = chunks;
  }

  static PersistedArray of(NdArray x) {
    List<Delayed<?>> blocks = new ArrayList<>(x.blockCount());
    for (int b = 0; b < x.blockCount(); b++) {
      blocks.add(Delayed.fromTask(x.block(b)));
    }
    List<Object> results = Jdask.compute(blocks);
    List<Chunk> chunks = new ArrayList<>(results.size());
    Task[] held = new Task[results.size()];
    for (int b = 0; b < held.length; b++) {
      Chunk c = (Chunk) results.get(b);
      chunks.add(c);
      held[b] = Task.data("persisted", c);
    }
    return new PersistedArray(new NdArray(x.dtype(), x.chunking(), held), chunks);
  }

  /** The array over the held chunks; valid until {@link #close()}. */
  public NdArray array() {
    if (closed) {
      throw new IllegalStateException("this persisted array is closed");
    }
    return array;
  }

  /** Frees the held chunks. Graphs built on {@link #array()} must not be computed after this. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      chunks.forEach(Chunk::release);
    }
  }
}
