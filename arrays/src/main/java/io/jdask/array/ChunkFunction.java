package io.jdask.array;

import io.jdask.graph.TaskFunction;

/**
 * The task function of every array operation: pins its chunk arguments for the time the kernel
 * reads them (so none is spilled mid-read, and a spilled one is mapped back first), and offers
 * the chunk it returns to {@link ArrayMemory} as a candidate for spilling once it is done.
 */
interface ChunkFunction extends TaskFunction {
  /** The kernel: reads the (pinned) chunk arguments, returns a new chunk or another result. */
  Object compute(Object[] args) throws Exception;

  @Override
  default Object apply(Object[] args) throws Exception {
    int pinned = 0;
    try {
      for (Object a : args) {
        if (a instanceof Chunk c) {
          c.pin();
        }
        pinned++;
      }
      Object result = compute(args);
      if (result instanceof Chunk c && c.isSpillable()) {
        ArrayMemory.markSpillable(c);
      }
      return result;
    } finally {
      for (int i = 0; i < pinned; i++) {
        if (args[i] instanceof Chunk c) {
          c.unpin();
        }
      }
    }
  }
}
