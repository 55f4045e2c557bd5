package io.jdask.array;

import java.util.Arrays;

/** NumPy's broadcasting rules, for shapes of whole arrays and of chunks. */
final class Broadcast {
  private Broadcast() {}

  /** The broadcast shape of {@code a} and {@code b}; fails naming both shapes if they clash. */
  static long[] shape(long[] a, long[] b) {
    int n = Math.max(a.length, b.length);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long x = i < n - a.length ? 1 : a[i - (n - a.length)];
      long y = i < n - b.length ? 1 : b[i - (n - b.length)];
      if (x != y && x != 1 && y != 1) {
        throw new IllegalArgumentException("operands could not be broadcast together with shapes "
            + Arrays.toString(a) + " and " + Arrays.toString(b));
      }
      out[i] = x == 1 ? y : x;
    }
    return out;
  }

  /** {@code shape} with ones prepended up to {@code ndim} dimensions. */
  static long[] pad(long[] shape, int ndim) {
    long[] out = new long[ndim];
    Arrays.fill(out, 1);
    System.arraycopy(shape, 0, out, ndim - shape.length, shape.length);
    return out;
  }

  /**
   * Element strides for reading an operand of (padded) shape {@code shape} while walking an
   * output of shape {@code out} row-major: a broadcast axis has stride 0.
   */
  static long[] strides(long[] shape, long[] out) {
    long[] s = new long[shape.length];
    long step = 1;
    for (int a = shape.length - 1; a >= 0; a--) {
      s[a] = shape[a] == 1 && out[a] != 1 ? 0 : step;
      step *= shape[a];
    }
    return s;
  }

  /** Row-major strides of a contiguous array of this shape. */
  static long[] contiguousStrides(long[] shape) {
    long[] s = new long[shape.length];
    long step = 1;
    for (int a = shape.length - 1; a >= 0; a--) {
      s[a] = step;
      step *= shape[a];
    }
    return s;
  }
}
