package io.jdask.array;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The task functions of operations that read blocks: each adapts the untyped argument array of
 * a task to one kernel call. One instance serves every block of an operation, so the processes
 * scheduler ships it to each worker once.
 */
final class BlockTasks {
  private BlockTasks() {}

  record Binary(BinaryOp op, DType out, int ndim) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return Elementwise.binary(op, out, a[0], a[1], ndim);
    }
  }

  record Unary(UnaryOp op, DType out) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return Elementwise.unary(op, out, (Chunk) a[0]);
    }
  }

  record MapDoubles(DoubleFunction fn) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return Elementwise.map(fn, (Chunk) a[0]);
    }

    @Override
    public Object userFunction() {
      return fn;
    }
  }

  record Where(DType out, int ndim) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return Elementwise.where(out, a[0], a[1], a[2], ndim);
    }
  }

  record Cast(DType out) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return Elementwise.cast(out, (Chunk) a[0]);
    }
  }

  record Partial(Reduction op, boolean[] mask) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return ReduceKernels.partial(op, mask, (Chunk) a[0], (ReduceKernels.Position) a[1]);
    }
  }

  record Combine(Reduction op) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return ReduceKernels.combine(op, a);
    }
  }

  record Finish(Reduction op, DType out, long[] shape, int ddof) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return ReduceKernels.finish(op, out, shape, ddof, (Chunk) a[0]);
    }
  }

  /** A copy of a block under another shape with the same elements in the same order. */
  record Relabel(long[] shape) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      Chunk in = (Chunk) a[0];
      Chunk out = Chunk.allocate(in.dtype(), shape);
      MemoryUtil.copyMemory(in.address(), out.address(), in.byteLength());
      return out;
    }
  }

  /** Every block copied into one heap array: the last task of {@code compute()}. */
  record Assemble(DType dtype, long[] shape, long[][] offsets) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      ComputedArray r = ComputedArray.allocate(dtype, shape);
      for (int b = 0; b < a.length; b++) {
        r.put(offsets[b], (Chunk) a[b]);
      }
      return r;
    }
  }

  /** A user's function of whole blocks, with the blocks copied to and from the heap. */
  record UserBlocks(BlockFunction fn) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      long[] outShape = (long[]) a[a.length - 2];
      long[] offset = (long[]) a[a.length - 1];
      Block[] blocks = new Block[a.length - 2];
      for (int k = 0; k < blocks.length; k++) {
        Chunk c = (Chunk) a[k];
        double[] v = new double[Math.toIntExact(c.size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = c.getDouble(i);
        }
        blocks[k] = new Block(v, c.shape(), offset.clone());
      }
      double[] out = fn.apply(blocks);
      if (out == null || out.length != Chunk.product(outShape)) {
        throw new IllegalStateException("the block function returned " + (out == null ? "null" : out.length + " values")
            + " for a block of shape " + java.util.Arrays.toString(outShape) + " (" + Chunk.product(outShape) + " values)");
      }
      Chunk c = Chunk.allocate(DType.FLOAT64, outShape);
      for (int i = 0; i < out.length; i++) {
        c.setDouble(i, out[i]);
      }
      return c;
    }

    @Override
    public Object userFunction() {
      return fn;
    }
  }
}
