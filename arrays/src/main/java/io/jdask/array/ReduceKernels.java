package io.jdask.array;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The kernels of {@link Reduction}: partial of one chunk, combine of partials, finish.
 *
 * <p>The partial walks the chunk row-major with an odometer that keeps the position of the
 * current element's output slot, so each element costs one load and one update whatever the
 * reduced axes. A whole-chunk reduction of float64 (the common case, and the one the bandwidth
 * benchmark measures) takes a flat loop with four independent accumulators instead: the loop is
 * then bound by memory rather than by the latency of one chain of floating-point adds.
 */
final class ReduceKernels {
  /**
   * Whether {@link Math#fma} is one instruction here. It makes the variance loop as fast as a sum
   * (measured: 88% against 56% of the bandwidth baseline); without hardware support it is
   * emulated in software and far slower, so the loop then multiplies and adds. A static final, so
   * the JIT keeps one branch.
   */
  private static final boolean FMA = hardwareFma();

  private ReduceKernels() {}

  private static boolean hardwareFma() {
    try {
      var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
    } catch (RuntimeException e) { // not HotSpot, or no such option: assume no fused multiply-add
      return false;
    }
  }

  /**
   * Where a block sits in its array, for argmin and argmax: their partials hold indices into
   * the whole array (flat row-major when every axis is reduced, else along the one axis).
   */
  record Position(long[] blockOffset, long[] arrayShape) implements java.io.Serializable {}

  static Chunk partial(Reduction op, boolean[] mask, Chunk x, Position where) {
    int ndim = x.ndim();
    long[] s = x.shape();
    long[] kept = new long[ndim];
    boolean all = true;
    for (int a = 0; a < ndim; a++) {
      kept[a] = mask[a] ? 1 : s[a];
      all &= mask[a];
    }
    int slots = (int) Chunk.product(kept);
    DType pt = op.partialType(x.dtype());
    long[] pshape = new long[ndim + 1];
    pshape[0] = op.fields;
    System.arraycopy(kept, 0, pshape, 1, ndim);
    Chunk p = Chunk.allocate(pt, pshape);
    if (all && x.dtype() == DType.FLOAT64 && fastWhole(op, x, p)) {
      return p;
    }
    State st = new State(op, slots, pt == DType.INT64);
    long[] outStride = Broadcast.strides(kept, s); // 0 on reduced axes
    long[] arrayStride = where == null ? null : Broadcast.contiguousStrides(where.arrayShape());
    int argAxis = -1;
    if (op.isArg() && !all) {
      for (int a = 0; a < ndim; a++) {
        if (mask[a]) {
          argAxis = a;
        }
      }
    }
    long n = x.size();
    int[] idx = new int[ndim];
    long o = 0;
    for (long i = 0; i < n; i++) {
      long index = 0;
      if (op.isArg()) {
        if (argAxis >= 0) {
          index = where.blockOffset()[argAxis] + idx[argAxis];
        } else {
          for (int a = 0; a < ndim; a++) {
            index += (where.blockOffset()[a] + idx[a]) * arrayStride[a];
          }
        }
      }
      st.add((int) o, x, i, index);
      for (int a = ndim - 1; a >= 0; a--) {
        o += outStride[a];
        if (++idx[a] < s[a]) {
          break;
        }
        idx[a] = 0;
        o -= outStride[a] * s[a];
      }
    }
    st.writeTo(p);
    return p;
  }

  /** Flat loops over a whole float64 chunk; false for the reductions that have none. */
  private static boolean fastWhole(Reduction op, Chunk x, Chunk p) {
    long a = x.address();
    long end = x.size() << 3;
    switch (op) {
      case SUM, MEAN -> {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        long i = 0;
        for (; i + 32 <= end; i += 32) {
          s0 += Double.longBitsToDouble(MemoryUtil.getLong(a + i));
          s1 += Double.longBitsToDouble(MemoryUtil.getLong(a + i + 8));
          s2 += Double.longBitsToDouble(MemoryUtil.getLong(a + i + 16));
          s3 += Double.longBitsToDouble(MemoryUtil.getLong(a + i + 24));
        }
        for (; i < end; i += 8) {
          s0 += Double.longBitsToDouble(MemoryUtil.getLong(a + i));
        }
        p.setDouble(0, (s0 + s1) + (s2 + s3));
        if (op == Reduction.MEAN) {
          p.setDouble(1, x.size());
        }
        return true;
      }
      case VAR, STD -> {
        if (x.size() == 0) {
          p.setDouble(0, 0);
          p.setDouble(1, 0);
          p.setDouble(2, 0);
          return true;
        }
        // Shifted sums: subtracting the first value keeps the sum of squares from cancelling.
        double k = Double.longBitsToDouble(MemoryUtil.getLong(a));
        // Four independent pairs of sums: one chain of dependent adds would bound the loop by
        // floating-point latency, not by memory.
        double d0 = 0;
        double d1 = 0;
        double d2 = 0;
        double d3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        long i = 0;
        for (; i + 32 <= end; i += 32) {
          double u0 = Double.longBitsToDouble(MemoryUtil.getLong(a + i)) - k;
          double u1 = Double.longBitsToDouble(MemoryUtil.getLong(a + i + 8)) - k;
          double u2 = Double.longBitsToDouble(MemoryUtil.getLong(a + i + 16)) - k;
          double u3 = Double.longBitsToDouble(MemoryUtil.getLong(a + i + 24)) - k;
          d0 += u0;
          d1 += u1;
          d2 += u2;
          d3 += u3;
          q0 = FMA ? Math.fma(u0, u0, q0) : q0 + u0 * u0;
          q1 = FMA ? Math.fma(u1, u1, q1) : q1 + u1 * u1;
          q2 = FMA ? Math.fma(u2, u2, q2) : q2 + u2 * u2;
          q3 = FMA ? Math.fma(u3, u3, q3) : q3 + u3 * u3;
        }
        for (; i < end; i += 8) {
          double u = Double.longBitsToDouble(MemoryUtil.getLong(a + i)) - k;
          d0 += u;
          q0 += u * u;
        }
        d1 += d2 + d3;
        q1 += q2 + q3;
        double count = x.size();
        double d = d0 + d1;
        p.setDouble(0, count);
        p.setDouble(1, k + d / count);
        p.setDouble(2, Math.max(0, (q0 + q1) - d * d / count));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Combines partials of the same kept shape into one. */
  static Chunk combine(Reduction op, Object[] partials) {
    Chunk first = (Chunk) partials[0];
    State st = State.of(op, first);
    for (int k = 1; k < partials.length; k++) {
      st.merge(State.of(op, (Chunk) partials[k]));
    }
    Chunk p = Chunk.allocate(first.dtype(), first.shape());
    st.writeTo(p);
    return p;
  }

  /** The result chunk of {@code outShape} from the last partial. */
  static Chunk finish(Reduction op, DType outType, long[] outShape, int ddof, Chunk partial) {
    State st = State.of(op, partial);
    Chunk r = Chunk.allocate(outType, outShape);
    for (int o = 0; o < st.slots; o++) {
      switch (op) {
        case SUM, MIN, MAX -> {
          if (st.ints != null) {
            r.setLong(o, st.ints[o]);
          } else {
            r.setDouble(o, st.d[0][o]);
          }
        }
        case ANY, ALL -> r.setLong(o, st.ints[o]);
        case MEAN -> r.setDouble(o, st.d[0][o] / st.d[1][o]);
        case VAR, STD -> {
          // NumPy divides by max(n - ddof, 0): inf for spread data, NaN when M2 is 0 too
          double v = st.d[2][o] / Math.max(st.d[0][o] - ddof, 0);
          r.setDouble(o, op == Reduction.STD ? Math.sqrt(v) : v);
        }
        case ARGMIN, ARGMAX -> r.setLong(o, st.intIndex != null ? st.intIndex[o] : (long) st.d[1][o]);
      }
    }
    return r;
  }

  /** Per-slot accumulators of one reduction, on the heap while a kernel runs. */
  private static final class State {
    final Reduction op;
    final int slots;
    final long[] ints; // integral sum/min/max/argmin/argmax value, any, all
    final long[] intIndex; // integral argmin/argmax: the index (field 1)
    final double[][] d; // the fields, for everything else
    final double[] shift; // var: the shift of each slot (its first value)
    final boolean[] seen; // min/max/arg: whether a slot has a value yet
    boolean holdsPartials; // var: fields are (count, mean, M2) already, not shifted sums

    State(Reduction op, int slots, boolean integral) {
      this.op = op;
      this.slots = slots;
      this.ints = integral ? new long[slots] : null;
      this.intIndex = integral && op.isArg() ? new long[slots] : null;
      this.d = integral ? null : new double[op.fields][slots];
      this.shift = op == Reduction.VAR || op == Reduction.STD ? new double[slots] : null;
      this.seen = new boolean[slots];
      if (op == Reduction.ALL) {
        java.util.Arrays.fill(ints, 1);
      }
    }

    static State of(Reduction op, Chunk p) {
      int slots = (int) (p.size() / op.fields);
      State st = new State(op, slots, p.dtype() == DType.INT64);
      st.holdsPartials = true;
      for (int o = 0; o < slots; o++) {
        st.seen[o] = true;
        if (st.ints != null) {
          st.ints[o] = p.getLong(o);
          if (st.intIndex != null) {
            st.intIndex[o] = p.getLong((long) slots + o);
          }
        } else {
          for (int f = 0; f < op.fields; f++) {
            st.d[f][o] = p.getDouble((long) f * slots + o);
          }
        }
      }
      return st;
    }

    void add(int o, Chunk x, long i, long index) {
      switch (op) {
        case SUM -> {
          if (ints != null) {
            ints[o] += x.getLong(i);
          } else {
            d[0][o] += x.getDouble(i);
          }
        }
        case MEAN -> {
          d[0][o] += x.getDouble(i);
          d[1][o] += 1;
        }
        case VAR, STD -> {
          double v = x.getDouble(i);
          if (d[0][o] == 0) {
            shift[o] = v;
          }
          double u = v - shift[o];
          d[0][o] += 1;
          d[1][o] += u; // shifted sum until writeTo
          d[2][o] += u * u; // shifted sum of squares until writeTo
        }
        case MIN, MAX -> {
          if (ints != null) {
            long v = x.getLong(i);
            if (!seen[o] || (op == Reduction.MIN ? v < ints[o] : v > ints[o])) {
              ints[o] = v;
            }
          } else {
            double v = x.getDouble(i);
            if (!seen[o] || better(op == Reduction.MIN, v, d[0][o])) {
              d[0][o] = v;
            }
          }
          seen[o] = true;
        }
        case ARGMIN, ARGMAX -> {
          if (ints != null) { // integers compare exactly, also beyond 2^53
            long v = x.getLong(i);
            if (!seen[o] || (op == Reduction.ARGMIN ? v < ints[o] : v > ints[o])) {
              ints[o] = v;
              intIndex[o] = index;
            }
            seen[o] = true;
            return;
          }
          double v = x.getDouble(i);
          if (!seen[o] || better(op == Reduction.ARGMIN, v, d[0][o])) {
            d[0][o] = v;
            d[1][o] = index;
          }
          seen[o] = true;
        }
        case ANY -> ints[o] |= x.getBoolean(i) ? 1 : 0;
        case ALL -> ints[o] &= x.getBoolean(i) ? 1 : 0;
      }
    }

    /** Whether {@code v} replaces {@code best}: strictly better, or the first NaN (NumPy's rule). */
    private static boolean better(boolean min, double v, double best) {
      if (Double.isNaN(best)) {
        return false;
      }
      if (Double.isNaN(v)) {
        return true;
      }
      return min ? v < best : v > best;
    }

    void merge(State b) {
      for (int o = 0; o < slots; o++) {
        switch (op) {
          case SUM -> {
            if (ints != null) {
              ints[o] += b.ints[o];
            } else {
              d[0][o] += b.d[0][o];
            }
          }
          case MEAN -> {
            d[0][o] += b.d[0][o];
            d[1][o] += b.d[1][o];
          }
          case VAR, STD -> {
            double na = d[0][o];
            double nb = b.d[0][o];
            double n = na + nb;
            if (nb == 0) {
              continue;
            }
            if (na == 0) {
              d[0][o] = nb;
              d[1][o] = b.d[1][o];
              d[2][o] = b.d[2][o];
              continue;
            }
            double delta = b.d[1][o] - d[1][o];
            d[1][o] += delta * nb / n;
            d[2][o] += b.d[2][o] + delta * delta * na * nb / n;
            d[0][o] = n;
          }
          case MIN, MAX -> {
            if (ints != null) {
              ints[o] = op == Reduction.MIN ? Math.min(ints[o], b.ints[o]) : Math.max(ints[o], b.ints[o]);
            } else if (better(op == Reduction.MIN, b.d[0][o], d[0][o])) {
              d[0][o] = b.d[0][o];
            }
          }
          case ARGMIN, ARGMAX -> {
            if (ints != null) {
              long v = b.ints[o];
              boolean take = op == Reduction.ARGMIN ? v < ints[o] : v > ints[o];
              if (take || (v == ints[o] && b.intIndex[o] < intIndex[o])) {
                ints[o] = v;
                intIndex[o] = b.intIndex[o];
              }
              continue;
            }
            double v = b.d[0][o];
            double best = d[0][o];
            boolean equal = v == best || (Double.isNaN(v) && Double.isNaN(best));
            if (better(op == Reduction.ARGMIN, v, best) || (equal && b.d[1][o] < d[1][o])) {
              d[0][o] = v;
              d[1][o] = b.d[1][o];
            }
          }
          case ANY -> ints[o] |= b.ints[o];
          case ALL -> ints[o] &= b.ints[o];
        }
      }
    }

    void writeTo(Chunk p) {
      if (shift != null && !holdsPartials) {
        for (int o = 0; o < slots; o++) { // shifted sums to (count, mean, M2)
          double n = d[0][o];
          double s = d[1][o];
          d[1][o] = n == 0 ? 0 : shift[o] + s / n;
          d[2][o] = n == 0 ? 0 : Math.max(0, d[2][o] - s * s / n);
        }
      }
      for (int o = 0; o < slots; o++) {
        if (ints != null) {
          p.setLong(o, ints[o]);
          if (intIndex != null) {
            p.setLong((long) slots + o, intIndex[o]);
          }
        } else {
          for (int f = 0; f < op.fields; f++) {
            p.setDouble((long) f * slots + o, d[f][o]);
          }
        }
      }
    }

  }
}
