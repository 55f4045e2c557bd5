package io.jdask.array;

import java.util.random.RandomGenerator;

/**
 * xoshiro256++ (Blackman and Vigna, 2019) with its {@code jump}, as a {@link RandomGenerator} so
 * that {@code nextDouble} and the ziggurat {@code nextGaussian} of {@code java.util.random} apply.
 *
 * <p>Why not the JDK's {@code Xoshiro256PlusPlus}: its state cannot be read or set, and a
 * chunk's stream must be handed to whatever JVM computes the chunk. Here the state is four
 * longs: the client makes chunk {@code b}'s state by jumping the seed's state {@code b} times
 * (2<sup>128</sup> draws each, so streams never overlap), and the task carries it. The seed is
 * expanded with SplitMix64, as the algorithm's authors recommend.
 */
final class Xoshiro256 implements RandomGenerator {
  private static final long[] JUMP = {
    0x180ec6d33cfd0abaL, 0xd5a61266f0c9392cL, 0xa9582618e03fc9aaL, 0x39abdc4529b1661cL
  };

  private long s0;
  private long s1;
  private long s2;
  private long s3;

  Xoshiro256(long[] state) {
    s0 = state[0];
    s1 = state[1];
    s2 = state[2];
    s3 = state[3];
  }

  /** The generator of {@code seed}: its 64 bits expanded to 256 by SplitMix64. */
  static Xoshiro256 seeded(long seed) {
    long[] s = new long[4];
    long x = seed;
    for (int i = 0; i < 4; i++) {
      x += 0x9e3779b97f4a7c15L;
      long z = x;
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      s[i] = z ^ (z >>> 31);
    }
    return new Xoshiro256(s);
  }

  long[] state() {
    return new long[] {s0, s1, s2, s3};
  }

  @Override
  public long nextLong() {
    long result = Long.rotateLeft(s0 + s3, 23) + s0;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** Advances by 2<sup>128</sup> draws: the next chunk's stream starts here. */
  void jump() {
    long t0 = 0;
    long t1 = 0;
    long t2 = 0;
    long t3 = 0;
    for (long j : JUMP) {
      for (int b = 0; b < 64; b++) {
        if ((j & (1L << b)) != 0) {
          t0 ^= s0;
          t1 ^= s1;
          t2 ^= s2;
          t3 ^= s3;
        }
        nextLong();
      }
    }
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
}
