package io.jdask.array;

import java.util.Arrays;

/**
 * One block handed to a user's {@link BlockFunction}: its values as doubles (row-major, a copy
 * the function may modify), its shape, and where the output block being made starts in the
 * output array (for an input broadcast along some axis, that is not where the input block starts).
 */
public record Block(double[] values, long[] shape, long[] offset) {
  public Block {
    shape = shape.clone();
    offset = offset.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long[] offset() {
    return offset.clone();
  }

  @Override
  public String toString() {
    return "Block[shape=" + Arrays.toString(shape) + ", offset=" + Arrays.toString(offset) + "]";
  }
}
