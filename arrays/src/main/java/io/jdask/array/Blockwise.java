package io.jdask.array;

import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import java.util.Arrays;

/**
 * Graphs of blockwise operations: one output block from the aligned blocks of every operand,
 * under NumPy broadcasting. Operands are arrays or scalars; a scalar is an argument of every
 * task. Along an axis where an operand has length 1 and the result does not, that operand's one
 * block is read by every output block (broadcast); along every other axis the operands must be
 * chunked alike, and an operand that is not is rechunked to the first operand's chunks.
 */
final class Blockwise {
  private Blockwise() {}

  static NdArray build(String group, TaskFunction fn, DType out, Object... operands) {
    return build(group, fn, out, null, operands);
  }

  /**
   * As {@link #build(String, TaskFunction, DType, Object...)}, with {@code extra(chunking,
   * block)} appended to each task's arguments (for functions that need the block's place).
   */
  static NdArray build(String group, TaskFunction fn, DType out,
      java.util.function.BiFunction<Chunking, Integer, Object[]> extra, Object... operands) {
    long[] shape = new long[0];
    for (Object o : operands) {
      if (o instanceof NdArray a) {
        shape = Broadcast.shape(shape, a.shape());
      } else if (!(o instanceof Number || o instanceof Boolean)) {
        throw new IllegalArgumentException("an operand must be an NdArray or a number, not " + (o == null ? "null" : o.getClass().getName()));
      }
    }
    int ndim = shape.length;
    long[][] sizes = new long[ndim][];
    for (int a = 0; a < ndim; a++) {
      for (Object o : operands) {
        if (o instanceof NdArray x) {
          int k = a - (ndim - x.ndim());
          if (k >= 0 && x.shape()[k] == shape[a] && (shape[a] != 1 || sizes[a] == null)) {
            sizes[a] = x.chunking().chunkLengths(k);
            if (shape[a] != 1) {
              break;
            }
          }
        }
      }
      if (sizes[a] == null) {
        sizes[a] = new long[] {shape[a]};
      }
    }
    Chunking chunks = new Chunking(sizes);
    Object[] aligned = new Object[operands.length];
    for (int i = 0; i < operands.length; i++) {
      aligned[i] = operands[i] instanceof NdArray x ? align(x, sizes, shape) : operands[i];
    }
    Task[] blocks = new Task[chunks.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] c = chunks.coords(b);
      Object[] more = extra == null ? new Object[0] : extra.apply(chunks, b);
      Object[] args = new Object[aligned.length + more.length];
      for (int i = 0; i < aligned.length; i++) {
        args[i] = aligned[i] instanceof NdArray x ? x.block(blockOf(x, c, shape)) : aligned[i];
      }
      System.arraycopy(more, 0, args, aligned.length, more.length);
      blocks[b] = Task.of(group, fn, args);
    }
    return new NdArray(out, chunks, blocks);
  }

  /** {@code x} rechunked where its chunks along a non-broadcast axis differ from {@code sizes}. */
  private static NdArray align(NdArray x, long[][] sizes, long[] shape) {
    int pad = shape.length - x.ndim();
    long[][] want = x.chunking().sizes();
    boolean same = true;
    for (int k = 0; k < x.ndim(); k++) {
      if (x.shape()[k] == shape[k + pad] && !Arrays.equals(want[k], sizes[k + pad])) {
        want[k] = sizes[k + pad];
        same = false;
      }
    }
    return same ? x : Restructure.rechunk(x, new Chunking(want));
  }

  /** The block of operand {@code x} that output block {@code c} reads. */
  private static int blockOf(NdArray x, int[] c, long[] shape) {
    int pad = shape.length - x.ndim();
    int[] xc = new int[x.ndim()];
    for (int k = 0; k < xc.length; k++) {
      xc[k] = x.shape()[k] == 1 && shape[k + pad] != 1 ? 0 : c[k + pad];
    }
    return x.chunking().block(xc);
  }
}
