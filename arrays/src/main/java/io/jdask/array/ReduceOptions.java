package io.jdask.array;

import java.util.Arrays;

/**
 * How a reduction runs: over which axes (all by default), whether reduced axes stay as length 1
 * ({@code keepDims}), how many partial results each combine step takes ({@code splitEvery}, the
 * fan-in of the reduction tree), and the delta degrees of freedom of {@code var} and {@code std}.
 *
 * <pre>{@code x.sum(ReduceOptions.axes(0).splitEvery(4).keepDims(true))}</pre>
 */
public final class ReduceOptions {
  /** Combines of up to 8 partials: a shallow tree whose combine steps are still cheap. */
  public static final int DEFAULT_SPLIT_EVERY = 8;

  private final int[] axes; // null: all
  private final boolean keepDims;
  private final int splitEvery;
  private final int ddof;

  private ReduceOptions(int[] axes, boolean keepDims, int splitEvery, int ddof) {
    this.axes = axes;
    this.keepDims = keepDims;
    this.splitEvery = splitEvery;
    this.ddof = ddof;
  }

  /** Over every axis. */
  public static ReduceOptions all() {
    return new ReduceOptions(null, false, DEFAULT_SPLIT_EVERY, 0);
  }

  /** Over the given axes (negative axes count from the end); none given means all. */
  public static ReduceOptions axes(int... axes) {
    return new ReduceOptions(axes.length == 0 ? null : axes.clone(), false, DEFAULT_SPLIT_EVERY, 0);
  }

  public ReduceOptions keepDims(boolean keep) {
    return new ReduceOptions(axes, keep, splitEvery, ddof);
  }

  /** The fan-in of the reduction tree: at least 2. */
  public ReduceOptions splitEvery(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("splitEvery must be at least 2, not " + n);
    }
    return new ReduceOptions(axes, keepDims, n, ddof);
  }

  /** Delta degrees of freedom of var and std: the divisor is {@code n - ddof}. */
  public ReduceOptions ddof(int ddof) {
    if (ddof < 0) {
      throw new IllegalArgumentException("ddof must not be negative, not " + ddof);
    }
    return new ReduceOptions(axes, keepDims, splitEvery, ddof);
  }

  boolean keepDims() {
    return keepDims;
  }

  int splitEvery() {
    return splitEvery;
  }

  int ddof() {
    return ddof;
  }

  /** A mask of the reduced axes of an array of {@code ndim} dimensions; validates the axes. */
  boolean[] mask(int ndim) {
    boolean[] m = new boolean[ndim];
    if (axes == null) {
      Arrays.fill(m, true);
      return m;
    }
    for (int a : axes) {
      int axis = a < 0 ? a + ndim : a;
      if (axis < 0 || axis >= ndim) {
        throw new IllegalArgumentException("axis " + a + " is out of bounds for an array of " + ndim + " dimensions");
      }
      if (m[axis]) {
        throw new IllegalArgumentException("axis " + a + " is given twice");
      }
      m[axis] = true;
    }
    return m;
  }

  @Override
  public String toString() {
    return "ReduceOptions[axes=" + (axes == null ? "all" : Arrays.toString(axes)) + ", keepDims="
        + keepDims + ", splitEvery=" + splitEvery + ", ddof=" + ddof + "]";
  }
}
