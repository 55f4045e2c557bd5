package io.jdask.array;

/**
 * A selection along one axis, with Python's slice semantics: {@code range(start, stop, step)}
 * with negative indices counting from the end and out-of-range bounds clipped, or a single index
 * with {@link #at(long)} (which drops the axis, as {@code x[3]} does in NumPy).
 */
public final class Slice {
  private static final long NONE = Long.MIN_VALUE;

  private final long start;
  private final long stop;
  private final long step;
  private final boolean single;

  private Slice(long start, long stop, long step, boolean single) {
    if (step == 0 || step == Long.MIN_VALUE) {
      throw new IllegalArgumentException("slice step cannot be " + (step == 0 ? "zero" : Long.MIN_VALUE));
    }
    this.start = start;
    this.stop = stop;
    this.step = step;
    this.single = single;
  }

  /** The whole axis ({@code :}). */
  public static Slice all() {
    return new Slice(NONE, NONE, 1, false);
  }

  /** {@code start:stop}. */
  public static Slice range(long start, long stop) {
    return new Slice(start, stop, 1, false);
  }

  /** {@code start:stop:step}; use {@link #step(long)} for {@code ::step}. */
  public static Slice range(long start, long stop, long step) {
    return new Slice(start, stop, step, false);
  }

  /** {@code start:}. */
  public static Slice from(long start) {
    return new Slice(start, NONE, 1, false);
  }

  /** {@code :stop}. */
  public static Slice to(long stop) {
    return new Slice(NONE, stop, 1, false);
  }

  /** {@code ::step}, e.g. {@code step(-1)} reverses the axis. */
  public static Slice step(long step) {
    return new Slice(NONE, NONE, step, false);
  }

  /** A single index; the axis is dropped from the result. */
  public static Slice at(long index) {
    return new Slice(index, NONE, 1, true);
  }

  boolean isSingle() {
    return single;
  }

  long step() {
    return step;
  }

  /** {@code {start, count}} of this selection on an axis of length {@code n}, as Python computes. */
  long[] resolve(long n, int axis) {
    if (single) {
      long i = start < 0 ? start + n : start;
      if (i < 0 || i >= n) {
        throw new IndexOutOfBoundsException("index " + start + " is out of bounds for axis " + axis + " with size " + n);
      }
      return new long[] {i, 1};
    }
    long lo;
    long hi;
    if (step > 0) {
      lo = start == NONE ? 0 : clip(start < 0 ? start + n : start, 0, n);
      hi = stop == NONE ? n : clip(stop < 0 ? stop + n : stop, 0, n);
      long count = hi > lo ? (hi - lo - 1) / step + 1 : 0; // no overflow for huge steps
      return new long[] {lo, count};
    }
    lo = start == NONE ? n - 1 : clip(start < 0 ? start + n : start, -1, n - 1);
    hi = stop == NONE ? -1 : clip(stop < 0 ? stop + n : stop, -1, n - 1);
    long s = -step;
    long count = lo > hi ? (lo - hi - 1) / s + 1 : 0;
    return new long[] {lo, count};
  }

  private static long clip(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  @Override
  public String toString() {
    if (single) {
      return Long.toString(start);
    }
    return (start == NONE ? "" : start) + ":" + (stop == NONE ? "" : stop) + (step == 1 ? "" : ":" + step);
  }
}
