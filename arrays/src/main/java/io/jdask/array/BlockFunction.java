package io.jdask.array;

import java.io.Serializable;

/**
 * A user's function of aligned blocks for {@link NdArray#mapBlocks} and {@link NdArray#blockwise}:
 * it receives one {@link Block} per input and returns the output block's values, row-major, for
 * a block of the output's chunk shape. Serializable, so that it reaches worker processes.
 */
@FunctionalInterface
public interface BlockFunction extends Serializable {
  double[] apply(Block... blocks);
}
