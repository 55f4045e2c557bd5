package io.jdask.array;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The elementwise kernels: one output chunk from input chunks (or scalars) of the same or
 * broadcastable shapes. Every kernel writes a new chunk and leaves its inputs alone.
 *
 * <p>The loops walk the output row-major with one stride per operand (0 on a broadcast axis), so
 * every operand is read sequentially along the last axis. The common case of two float64 chunks
 * of one shape takes a flat loop over raw addresses, which the JIT keeps free of bounds checks.
 */
final class Elementwise {
  private Elementwise() {}

  /** An operand: a chunk, or a scalar broadcast everywhere. */
  private static long[] shapeOf(Object o, int ndim) {
    return o instanceof Chunk c ? Broadcast.pad(c.shape(), ndim) : Broadcast.pad(new long[0], ndim);
  }

  static boolean isIntegral(Object o) {
    if (o instanceof Chunk c) {
      return !c.dtype().isFloating();
    }
    return o instanceof Long || o instanceof Integer || o instanceof Boolean;
  }

  static double scalarDouble(Object o) {
    return o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).doubleValue();
  }

  static long scalarLong(Object o) {
    return o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).longValue();
  }

  static Chunk binary(BinaryOp op, DType outType, Object x, Object y, int ndim) {
    long[] sx = shapeOf(x, ndim);
    long[] sy = shapeOf(y, ndim);
    long[] out = Broadcast.shape(sx, sy);
    Chunk r = Chunk.allocate(outType, out);
    if (r.size() == 0) {
      return r;
    }
    try {
      if (x instanceof Chunk cx && y instanceof Chunk cy && fastFloat64(op, cx, cy, r)) {
        return r;
      }
      boolean longMath = isIntegral(x) && isIntegral(y) && op != BinaryOp.DIVIDE
          && !(outType.isFloating());
      long[] tx = Broadcast.strides(sx, out);
      long[] ty = Broadcast.strides(sy, out);
      Chunk chunkX = x instanceof Chunk c ? c : null;
      Chunk chunkY = y instanceof Chunk c ? c : null;
      double dx = chunkX == null ? scalarDouble(x) : 0;
      double dy = chunkY == null ? scalarDouble(y) : 0;
      long lx = chunkX == null ? scalarLong(x) : 0;
      long ly = chunkY == null ? scalarLong(y) : 0;
      int last = ndim - 1;
      long inner = ndim == 0 ? 1 : out[last];
      long ix = ndim == 0 ? 0 : tx[last];
      long iy = ndim == 0 ? 0 : ty[last];
      long rows = r.size() / inner;
      int[] idx = new int[Math.max(ndim - 1, 0)];
      long ox = 0;
      long oy = 0;
      long o = 0;
      for (long row = 0; row < rows; row++) {
        long px = ox;
        long py = oy;
        if (longMath) {
          for (long k = 0; k < inner; k++, px += ix, py += iy) {
            long a = chunkX == null ? lx : chunkX.getLong(px);
            long b = chunkY == null ? ly : chunkY.getLong(py);
            r.setLong(o++, op.apply(a, b));
          }
        } else {
          for (long k = 0; k < inner; k++, px += ix, py += iy) {
            double a = chunkX == null ? dx : chunkX.getDouble(px);
            double b = chunkY == null ? dy : chunkY.getDouble(py);
            r.setDouble(o++, op.apply(a, b));
          }
        }
        // advance the odometer over the outer axes
        for (int a = ndim - 2; a >= 0; a--) {
          ox += tx[a];
          oy += ty[a];
          if (++idx[a] < out[a]) {
            break;
          }
          idx[a] = 0;
          ox -= tx[a] * out[a];
          oy -= ty[a] * out[a];
        }
      }
      return r;
    } catch (RuntimeException | Error e) {
      r.release();
      throw e;
    }
  }

  /** Two float64 chunks of one shape under + - * /: a flat loop over raw memory. */
  private static boolean fastFloat64(BinaryOp op, Chunk x, Chunk y, Chunk r) {
    if (x.dtype() != DType.FLOAT64 || y.dtype() != DType.FLOAT64 || r.dtype() != DType.FLOAT64
        || x.size() != r.size() || y.size() != r.size()) {
      return false;
    }
    long ax = x.address();
    long ay = y.address();
    long ar = r.address();
    long end = r.size() << 3;
    switch (op) {
      case ADD -> {
        for (long i = 0; i < end; i += 8) {
          MemoryUtil.putLong(ar + i, Double.doubleToRawLongBits(
              Double.longBitsToDouble(MemoryUtil.getLong(ax + i)) + Double.longBitsToDouble(MemoryUtil.getLong(ay + i))));
        }
      }
      case SUBTRACT -> {
        for (long i = 0; i < end; i += 8) {
          MemoryUtil.putLong(ar + i, Double.doubleToRawLongBits(
              Double.longBitsToDouble(MemoryUtil.getLong(ax + i)) - Double.longBitsToDouble(MemoryUtil.getLong(ay + i))));
        }
      }
      case MULTIPLY -> {
        for (long i = 0; i < end; i += 8) {
          MemoryUtil.putLong(ar + i, Double.doubleToRawLongBits(
              Double.longBitsToDouble(MemoryUtil.getLong(ax + i)) * Double.longBitsToDouble(MemoryUtil.getLong(ay + i))));
        }
      }
      case DIVIDE -> {
        for (long i = 0; i < end; i += 8) {
          MemoryUtil.putLong(ar + i, Double.doubleToRawLongBits(
              Double.longBitsToDouble(MemoryUtil.getLong(ax + i)) / Double.longBitsToDouble(MemoryUtil.getLong(ay + i))));
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  static Chunk unary(UnaryOp op, DType outType, Chunk x) {
    Chunk r = Chunk.allocate(outType, x.shape());
    long n = x.size();
    boolean longMath = !op.floating && !x.dtype().isFloating() && op != UnaryOp.ISNAN;
    if (longMath) {
      for (long i = 0; i < n; i++) {
        r.setLong(i, op.apply(x.getLong(i)));
      }
    } else {
      for (long i = 0; i < n; i++) {
        r.setDouble(i, op.apply(x.getDouble(i)));
      }
    }
    return r;
  }

  /** A user's function of doubles, elementwise; the result is float64. */
  static Chunk map(DoubleFunction fn, Chunk x) {
    Chunk r = Chunk.allocate(DType.FLOAT64, x.shape());
    try {
      for (long i = 0, n = x.size(); i < n; i++) {
        r.setDouble(i, fn.applyAsDouble(x.getDouble(i)));
      }
      return r;
    } catch (RuntimeException | Error e) {
      r.release();
      throw e;
    }
  }

  /** {@code cond ? x : y} elementwise, with broadcasting of all three. */
  static Chunk where(DType outType, Object cond, Object x, Object y, int ndim) {
    long[] sc = shapeOf(cond, ndim);
    long[] sx = shapeOf(x, ndim);
    long[] sy = shapeOf(y, ndim);
    long[] out = Broadcast.shape(Broadcast.shape(sc, sx), sy);
    Chunk r = Chunk.allocate(outType, out);
    long[] tc = Broadcast.strides(sc, out);
    long[] tx = Broadcast.strides(sx, out);
    long[] ty = Broadcast.strides(sy, out);
    int[] idx = new int[ndim];
    long n = r.size();
    boolean longMath = !outType.isFloating();
    long pc = 0;
    long px = 0;
    long py = 0;
    for (long o = 0; o < n; o++) {
      boolean c = cond instanceof Chunk cc ? cc.getBoolean(pc) : scalarDouble(cond) != 0;
      Object src = c ? x : y;
      long p = c ? px : py;
      if (longMath) {
        r.setLong(o, src instanceof Chunk s ? s.getLong(p) : scalarLong(src));
      } else {
        r.setDouble(o, src instanceof Chunk s ? s.getDouble(p) : scalarDouble(src));
      }
      // advance the odometer, keeping each operand's position (stride 0 on broadcast axes)
      for (int a = ndim - 1; a >= 0; a--) {
        pc += tc[a];
        px += tx[a];
        py += ty[a];
        if (++idx[a] < out[a]) {
          break;
        }
        idx[a] = 0;
        pc -= tc[a] * out[a];
        px -= tx[a] * out[a];
        py -= ty[a] * out[a];
      }
    }
    return r;
  }

  /** A copy converted to another dtype, as NumPy's {@code astype}. */
  static Chunk cast(DType outType, Chunk x) {
    Chunk r = Chunk.allocate(outType, x.shape());
    long n = x.size();
    if (outType.isFloating() || x.dtype().isFloating()) {
      for (long i = 0; i < n; i++) {
        r.setDouble(i, x.getDouble(i));
      }
    } else {
      for (long i = 0; i < n; i++) {
        r.setLong(i, x.getLong(i));
      }
    }
    return r;
  }
}
