package io.jdask.array;

import org.apache.arrow.memory.util.MemoryUtil;

/** The task functions that make blocks from nothing but their parameters. */
final class Creation {
  private Creation() {}

  /** A block with every element {@code value}. */
  record Fill(DType dtype, long[] shape, double value) implements ChunkFunction {
    @Override
    public Object compute(Object[] args) {
      Chunk c = Chunk.allocate(dtype, shape);
      long n = c.size();
      if (value == 0) {
        MemoryUtil.setMemory(c.address(), c.byteLength(), (byte) 0);
      } else if (dtype.isFloating()) {
        for (long i = 0; i < n; i++) {
          c.setDouble(i, value);
        }
      } else {
        for (long i = 0; i < n; i++) {
          c.setLong(i, (long) value);
        }
      }
      return c;
    }
  }

  /**
   * Elements {@code start + (offset + i) * step} for {@code i < count}, as NumPy's arange and
   * linspace compute them (multiplying, not accumulating, so no error builds up); with
   * {@code last} set, the array's final element is exactly {@code stop}.
   */
  record Ramp(DType dtype, double start, double step, long offset, long count, boolean last,
      double stop) implements ChunkFunction {
    @Override
    public Object compute(Object[] args) {
      Chunk c = Chunk.allocate(dtype, new long[] {count});
      for (long i = 0; i < count; i++) {
        c.setDouble(i, start + (offset + i) * step);
      }
      if (last && count > 0) {
        c.setDouble(count - 1, stop);
      }
      return c;
    }
  }

  /** An integer ramp, exact for any int64 values. */
  record IntRamp(DType dtype, long start, long step, long offset, long count) implements ChunkFunction {
    @Override
    public Object compute(Object[] args) {
      Chunk c = Chunk.allocate(dtype, new long[] {count});
      for (long i = 0; i < count; i++) {
        c.setLong(i, start + (offset + i) * step);
      }
      return c;
    }
  }

  /** A block of values copied out of a Java array when the graph was built (little-endian). */
  record FromBytes(DType dtype, long[] shape, byte[] data) implements ChunkFunction {
    @Override
    public Object compute(Object[] args) {
      Chunk c = Chunk.allocate(dtype, shape);
      MemoryUtil.copyToMemory(data, 0, c.address(), data.length);
      return c;
    }
  }

  /** Uniform or normal draws from one chunk's own stream. */
  record Draw(boolean normal, long[] state, long[] shape, double a, double b) implements ChunkFunction {
    @Override
    public Object compute(Object[] args) {
      Xoshiro256 g = new Xoshiro256(state);
      Chunk c = Chunk.allocate(DType.FLOAT64, shape);
      long n = c.size();
      if (normal) {
        for (long i = 0; i < n; i++) {
          c.setDouble(i, a + b * g.nextGaussian());
        }
      } else {
        double width = b - a;
        for (long i = 0; i < n; i++) {
          c.setDouble(i, a + width * g.nextDouble());
        }
      }
      return c;
    }
  }
}
