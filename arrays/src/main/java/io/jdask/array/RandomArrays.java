package io.jdask.array;

import io.jdask.graph.Task;

/**
 * Random arrays of one seed. Each chunk draws from its own stream: chunk {@code b} (row-major
 * over the block grid) starts {@code b} jumps of 2<sup>128</sup> draws into the seed's
 * xoshiro256++ stream ({@link Xoshiro256}). A chunk's values therefore depend only on the seed,
 * the chunking and its place, never on which backend, worker or thread draws them.
 */
public final class RandomArrays {
  private final long seed;

  RandomArrays(long seed) {
    this.seed = seed;
  }

  /** Uniform on [0, 1). */
  public NdArray uniform(long[] shape, long[] chunks) {
    return uniform(0, 1, shape, chunks);
  }

  /** Uniform on [low, high). */
  public NdArray uniform(double low, double high, long[] shape, long[] chunks) {
    if (!(high >= low)) {
      throw new IllegalArgumentException("uniform needs low <= high, not " + low + " and " + high);
    }
    return draw(false, low, high, "uniform", shape, chunks);
  }

  /** Standard normal. */
  public NdArray normal(long[] shape, long[] chunks) {
    return normal(0, 1, shape, chunks);
  }

  /** Normal with the given mean and standard deviation. */
  public NdArray normal(double mean, double std, long[] shape, long[] chunks) {
    if (!(std >= 0)) {
      throw new IllegalArgumentException("normal needs a non-negative standard deviation, not " + std);
    }
    return draw(true, mean, std, "normal", shape, chunks);
  }

  private NdArray draw(boolean normal, double a, double b, String group, long[] shape, long[] chunks) {
    Chunking c = Chunking.regular(shape, chunks);
    Xoshiro256 g = Xoshiro256.seeded(seed);
    Task[] blocks = new Task[c.blockCount()];
    for (int k = 0; k < blocks.length; k++) {
      blocks[k] = Task.of(group, new Creation.Draw(normal, g.state(), c.blockShape(c.coords(k)), a, b));
      g.jump();
    }
    return new NdArray(DType.FLOAT64, c, blocks);
  }
}
