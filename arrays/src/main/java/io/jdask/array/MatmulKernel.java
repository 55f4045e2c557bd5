package io.jdask.array;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The block kernels of {@link Matmul}: the product of two blocks, and the elementwise sum of
 * block products.
 *
 * <p>The product copies both blocks to heap arrays ({@code double[]}, or {@code long[]} for
 * integers, so integer products are exact in 64-bit arithmetic as NumPy's are) and multiplies
 * them with a cache-blocked i-k-j loop: the right operand is walked in panels of {@value #KC}
 * rows by {@value #NC} columns (about 256 KiB, which stays in L2 while every row of the left
 * operand passes over it), and the innermost loop updates a run of {@value #NC} elements of one
 * output row (2 KiB, in L1) from four rows of the panel at once, with the four left-operand
 * elements held in registers. That loop is a unit-stride multiply-add over arrays, which C2
 * vectorizes. It was measured against EJML's {@code CommonOps_DDRM.mult} on 1,000 x 1,000
 * blocks and kept because it was faster (docs/arrays.md, "Matrix multiplication"); copying the
 * blocks costs O(n^2) against the O(n^3) of the product.
 */
final class MatmulKernel {
  /** Rows of the right operand per panel. */
  static final int KC = 128;
  /** Columns of the right operand per panel, and the run of an output row the inner loop updates. */
  static final int NC = 256;

  private MatmulKernel() {}

  /**
   * The product of block {@code x} (m x k, or k for a vector on the left) and block {@code y}
   * (k x n, or k for a vector on the right) as a new chunk of {@code out} with {@code shape}
   * (whose m and n axes are dropped where an operand was a vector).
   */
  static Chunk product(Chunk x, Chunk y, DType out, long[] shape) {
    int k = Math.toIntExact(x.dim(x.ndim() - 1));
    int m = x.ndim() == 2 ? Math.toIntExact(x.dim(0)) : 1;
    int n = y.ndim() == 2 ? Math.toIntExact(y.dim(1)) : 1;
    Chunk r = Chunk.allocate(out, shape);
    try {
      if (out.isFloating()) {
        double[] c = new double[Math.multiplyExact(m, n)];
        multiply(toDoubles(x), toDoubles(y), c, m, k, n);
        store(c, r);
      } else {
        long[] c = new long[Math.multiplyExact(m, n)];
        multiply(toLongs(x), toLongs(y), c, m, k, n);
        for (int i = 0; i < c.length; i++) {
          r.setLong(i, c[i]);
        }
      }
      return r;
    } catch (RuntimeException | Error e) {
      r.release();
      throw e;
    }
  }

  /** The elementwise sum of chunks of one shape, as a new chunk of {@code out}. */
  static Chunk sum(Object[] parts, DType out, long[] shape) {
    Chunk r = Chunk.allocate(out, shape);
    try {
      int size = Math.toIntExact(r.size());
      if (out.isFloating()) {
        double[] acc = toDoubles((Chunk) parts[0]);
        for (int p = 1; p < parts.length; p++) {
          Chunk c = (Chunk) parts[p];
          for (int i = 0; i < size; i++) {
            acc[i] += c.getDouble(i);
          }
        }
        store(acc, r);
      } else {
        for (int i = 0; i < size; i++) {
          long s = 0;
          for (Object part : parts) {
            s += ((Chunk) part).getLong(i);
          }
          r.setLong(i, s);
        }
      }
      return r;
    } catch (RuntimeException | Error e) {
      r.release();
      throw e;
    }
  }

  /** {@code c += a @ b} for row-major a (m x k), b (k x n), c (m x n). */
  static void multiply(double[] a, double[] b, double[] c, int m, int k, int n) {
    for (int jj = 0; jj < n; jj += NC) {
      int je = Math.min(n, jj + NC);
      for (int pp = 0; pp < k; pp += KC) {
        int pe = Math.min(k, pp + KC);
        for (int i = 0; i < m; i++) {
          int ci = i * n;
          int ai = i * k;
          int p = pp;
          for (; p + 3 < pe; p += 4) {
            double a0 = a[ai + p];
            double a1 = a[ai + p + 1];
            double a2 = a[ai + p + 2];
            double a3 = a[ai + p + 3];
            int b0 = p * n;
            int b1 = b0 + n;
            int b2 = b1 + n;
            int b3 = b2 + n;
            for (int j = jj; j < je; j++) {
              c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
            }
          }
          for (; p < pe; p++) {
            double a0 = a[ai + p];
            int b0 = p * n;
            for (int j = jj; j < je; j++) {
              c[ci + j] += a0 * b[b0 + j];
            }
          }
        }
      }
    }
  }

  /** {@code c += a @ b} in 64-bit integer arithmetic (wrapping on overflow, as NumPy's int64). */
  static void multiply(long[] a, long[] b, long[] c, int m, int k, int n) {
    for (int jj = 0; jj < n; jj += NC) {
      int je = Math.min(n, jj + NC);
      for (int pp = 0; pp < k; pp += KC) {
        int pe = Math.min(k, pp + KC);
        for (int i = 0; i < m; i++) {
          int ci = i * n;
          for (int p = pp; p < pe; p++) {
            long a0 = a[i * k + p];
            int b0 = p * n;
            for (int j = jj; j < je; j++) {
              c[ci + j] += a0 * b[b0 + j];
            }
          }
        }
      }
    }
  }

  static double[] toDoubles(Chunk c) {
    double[] v = new double[Math.toIntExact(c.size())];
    if (c.dtype() == DType.FLOAT64) {
      long addr = c.address();
      for (int i = 0; i < v.length; i++) {
        v[i] = Double.longBitsToDouble(MemoryUtil.getLong(addr + ((long) i << 3)));
      }
    } else {
      for (int i = 0; i < v.length; i++) {
        v[i] = c.getDouble(i);
      }
    }
    return v;
  }

  private static long[] toLongs(Chunk c) {
    long[] v = new long[Math.toIntExact(c.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = c.getLong(i);
    }
    return v;
  }

  private static void store(double[] v, Chunk r) {
    if (r.dtype() == DType.FLOAT64) {
      long addr = r.address();
      for (int i = 0; i < v.length; i++) {
        MemoryUtil.putLong(addr + ((long) i << 3), Double.doubleToRawLongBits(v[i]));
      }
    } else {
      for (int i = 0; i < v.length; i++) {
        r.setDouble(i, v[i]);
      }
    }
  }
}
