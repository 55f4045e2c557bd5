package io.jdask.array;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How an array's shape is cut into blocks: for each axis, the lengths of its chunks in order,
 * as Dask's {@code chunks} tuple of tuples. Regular chunkings (every chunk the same length but
 * a smaller last one) come from {@link #regular}; slicing and concatenation produce irregular
 * ones. Blocks are numbered row-major over the block grid.
 */
final class Chunking implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] shape;
  private final long[][] sizes;
  private final long[][] offsets; // offsets[axis][i]: first index of chunk i; one extra entry: shape
  private final int[] grid; // chunks per axis
  private final int blockCount;

  Chunking(long[][] sizes) {
    this.sizes = new long[sizes.length][];
    this.shape = new long[sizes.length];
    this.offsets = new long[sizes.length][];
    this.grid = new int[sizes.length];
    long blocks = 1;
    for (int a = 0; a < sizes.length; a++) {
      this.sizes[a] = sizes[a].clone();
      offsets[a] = new long[sizes[a].length + 1];
      for (int i = 0; i < sizes[a].length; i++) {
        if (sizes[a][i] < 0) {
          throw new IllegalArgumentException("axis " + a + " has a negative chunk length: " + Arrays.toString(sizes[a]));
        }
        offsets[a][i + 1] = offsets[a][i] + sizes[a][i];
      }
      shape[a] = offsets[a][sizes[a].length];
      grid[a] = sizes[a].length;
      blocks *= grid[a];
    }
    if (blocks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the chunking has " + blocks + " blocks; use larger chunks");
    }
    this.blockCount = (int) blocks;
  }

  /**
   * Chunks of {@code chunkShape} along each axis, the last one smaller when the length does not
   * divide; a chunk length of -1 (or at least the axis length) takes the whole axis.
   */
  static Chunking regular(long[] shape, long[] chunkShape) {
    if (shape.length != chunkShape.length) {
      throw new IllegalArgumentException("chunks " + Arrays.toString(chunkShape)
          + " have " + chunkShape.length + " dimensions but the shape " + Arrays.toString(shape)
          + " has " + shape.length);
    }
    long[][] sizes = new long[shape.length][];
    for (int a = 0; a < shape.length; a++) {
      long n = shape[a];
      if (n < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      long c = chunkShape[a] < 0 || chunkShape[a] >= n ? Math.max(n, 1) : chunkShape[a];
      if (c == 0) {
        throw new IllegalArgumentException("chunk length 0 on axis " + a + " of chunks " + Arrays.toString(chunkShape));
      }
      int count = n == 0 ? 1 : (int) ((n + c - 1) / c);
      sizes[a] = new long[count];
      for (int i = 0; i < count; i++) {
        sizes[a][i] = Math.min(c, n - i * c);
      }
    }
    return new Chunking(sizes);
  }

  static long[] negativeOnes(int n) {
    long[] r = new long[n];
    Arrays.fill(r, -1);
    return r;
  }

  int ndim() {
    return shape.length;
  }

  long[] shape() {
    return shape.clone();
  }

  long dim(int axis) {
    return shape[axis];
  }

  long size() {
    long s = 1;
    for (long d : shape) {
      s *= d;
    }
    return s;
  }

  int blockCount() {
    return blockCount;
  }

  /** Chunks along {@code axis}. */
  int grid(int axis) {
    return grid[axis];
  }

  int[] grid() {
    return grid.clone();
  }

  long chunkLength(int axis, int i) {
    return sizes[axis][i];
  }

  long[] chunkLengths(int axis) {
    return sizes[axis].clone();
  }

  long[][] sizes() {
    long[][] c = new long[sizes.length][];
    for (int a = 0; a < sizes.length; a++) {
      c[a] = sizes[a].clone();
    }
    return c;
  }

  long offset(int axis, int i) {
    return offsets[axis][i];
  }

  /** The block-grid coordinates of block {@code b}. */
  int[] coords(int b) {
    int[] c = new int[grid.length];
    for (int a = grid.length - 1; a >= 0; a--) {
      c[a] = b % grid[a];
      b /= grid[a];
    }
    return c;
  }

  /** The block number of block-grid coordinates {@code c}. */
  int block(int[] c) {
    int b = 0;
    for (int a = 0; a < grid.length; a++) {
      b = b * grid[a] + c[a];
    }
    return b;
  }

  long[] blockShape(int[] c) {
    long[] s = new long[c.length];
    for (int a = 0; a < c.length; a++) {
      s[a] = sizes[a][c[a]];
    }
    return s;
  }

  long[] blockOffset(int[] c) {
    long[] o = new long[c.length];
    for (int a = 0; a < c.length; a++) {
      o[a] = offsets[a][c[a]];
    }
    return o;
  }

  /** The largest chunk shape, for messages and metadata. */
  long[] maxChunkShape() {
    long[] m = new long[sizes.length];
    for (int a = 0; a < sizes.length; a++) {
      for (long s : sizes[a]) {
        m[a] = Math.max(m[a], s);
      }
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Chunking c && Arrays.deepEquals(sizes, c.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(sizes);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("(");
    for (int a = 0; a < sizes.length; a++) {
      b.append(a == 0 ? "" : ", ").append(Arrays.toString(sizes[a]));
    }
    return b.append(")").toString();
  }
}
