package io.jdask.array;

import java.util.Arrays;

/**
 * A computed array in the Java heap: what {@link NdArray#compute()} returns. Immutable, row-major,
 * with the dtype of the lazy array; no Arrow memory, so nothing to close. It holds at most
 * {@link Integer#MAX_VALUE} elements: larger results are meant to be reduced or stored instead.
 */
public final class ComputedArray implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final DType dtype;
  private final long[] shape;
  private final double[] doubles; // float64
  private final float[] floats; // float32
  private final long[] longs; // int64
  private final int[] ints; // int32
  private final boolean[] bools; // bool

  private ComputedArray(DType dtype, long[] shape, int size) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.doubles = dtype == DType.FLOAT64 ? new double[size] : null;
    this.floats = dtype == DType.FLOAT32 ? new float[size] : null;
    this.longs = dtype == DType.INT64 ? new long[size] : null;
    this.ints = dtype == DType.INT32 ? new int[size] : null;
    this.bools = dtype == DType.BOOL ? new boolean[size] : null;
  }

  /** An empty result to fill from the blocks of an array. */
  static ComputedArray allocate(DType dtype, long[] shape) {
    long size = Chunk.product(shape);
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a result of shape " + Arrays.toString(shape) + " has " + size
          + " elements, more than a computed array holds; reduce it, slice it, or store() it instead");
    }
    return new ComputedArray(dtype, shape, (int) size);
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int ndim() {
    return shape.length;
  }

  public long size() {
    return Chunk.product(shape);
  }

  /** The element at {@code index} (one index per dimension) as a double. */
  public double getDouble(long... index) {
    return doubleAt(flat(index));
  }

  /** The element at {@code index} as a long (floating values truncated toward zero). */
  public long getLong(long... index) {
    int i = flat(index);
    return switch (dtype) {
      case INT64 -> longs[i];
      case INT32 -> ints[i];
      case BOOL -> bools[i] ? 1 : 0;
      default -> (long) doubleAt(i);
    };
  }

  public boolean getBoolean(long... index) {
    int i = flat(index);
    return dtype == DType.BOOL ? bools[i] : doubleAt(i) != 0;
  }

  /** The value of a 0-d result (a full reduction), or of a result with one element. */
  public double doubleValue() {
    if (size() != 1) {
      throw new IllegalStateException("doubleValue() needs a result with one element; this one has shape " + Arrays.toString(shape));
    }
    return doubleAt(0);
  }

  public long longValue() {
    if (size() != 1) {
      throw new IllegalStateException("longValue() needs a result with one element; this one has shape " + Arrays.toString(shape));
    }
    return getLong(new long[shape.length]);
  }

  /** Every element as a double, row-major (a copy). */
  public double[] toDoubleArray() {
    if (doubles != null) {
      return doubles.clone();
    }
    double[] out = new double[(int) size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubleAt(i);
    }
    return out;
  }

  /** Every element as a long, row-major (a copy). */
  public long[] toLongArray() {
    long[] out = new long[(int) size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (dtype) {
        case INT64 -> longs[i];
        case INT32 -> ints[i];
        case BOOL -> bools[i] ? 1 : 0;
        default -> (long) doubleAt(i);
      };
    }
    return out;
  }

  /** Every element as a boolean, row-major (a copy): non-zero is true. */
  public boolean[] toBooleanArray() {
    boolean[] out = new boolean[(int) size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dtype == DType.BOOL ? bools[i] : doubleAt(i) != 0;
    }
    return out;
  }

  private double doubleAt(int i) {
    return switch (dtype) {
      case FLOAT64 -> doubles[i];
      case FLOAT32 -> floats[i];
      case INT64 -> longs[i];
      case INT32 -> ints[i];
      case BOOL -> bools[i] ? 1 : 0;
    };
  }

  private int flat(long[] index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("an index of " + index.length + " dimensions for an array of shape " + Arrays.toString(shape));
    }
    long f = 0;
    for (int a = 0; a < shape.length; a++) {
      long i = index[a] < 0 ? index[a] + shape[a] : index[a];
      if (i < 0 || i >= shape[a]) {
        throw new IndexOutOfBoundsException("index " + index[a] + " is out of bounds for axis " + a + " with size " + shape[a]);
      }
      f = f * shape[a] + i;
    }
    return (int) f;
  }

  /** Copies a block whose first element sits at {@code offset} of this array. */
  void put(long[] offset, Chunk c) {
    long[] cs = c.shape();
    int ndim = shape.length;
    long[] strides = Broadcast.contiguousStrides(shape);
    long base = 0;
    for (int a = 0; a < ndim; a++) {
      base += offset[a] * strides[a];
    }
    long inner = ndim == 0 ? 1 : cs[ndim - 1];
    long rows = inner == 0 ? 0 : c.size() / inner;
    int[] idx = new int[ndim];
    long src = 0;
    for (long r = 0; r < rows; r++) {
      long dst = base;
      for (int a = 0; a < ndim - 1; a++) {
        dst += idx[a] * strides[a];
      }
      copyRow(c, src, (int) dst, (int) inner);
      src += inner;
      for (int a = ndim - 2; a >= 0; a--) {
        if (++idx[a] < cs[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
  }

  private void copyRow(Chunk c, long src, int dst, int n) {
    switch (dtype) {
      case FLOAT64 -> {
        for (int k = 0; k < n; k++) {
          doubles[dst + k] = c.getDouble(src + k);
        }
      }
      case FLOAT32 -> {
        for (int k = 0; k < n; k++) {
          floats[dst + k] = (float) c.getDouble(src + k);
        }
      }
      case INT64 -> {
        for (int k = 0; k < n; k++) {
          longs[dst + k] = c.getLong(src + k);
        }
      }
      case INT32 -> {
        for (int k = 0; k < n; k++) {
          ints[dst + k] = (int) c.getLong(src + k);
        }
      }
      case BOOL -> {
        for (int k = 0; k < n; k++) {
          bools[dst + k] = c.getBoolean(src + k);
        }
      }
    }
  }

  @Override
  public String toString() {
    String values = size() <= 20 ? " " + (dtype.isFloating() ? Arrays.toString(toDoubleArray()) : Arrays.toString(toLongArray())) : "";
    return "ComputedArray[" + dtype.numpyName() + " " + Arrays.toString(shape) + "]" + values;
  }
}
