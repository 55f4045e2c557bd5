package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

class InteropTest extends ArrayTestSupport {
  @Test
  void arraysFromArrowVectorsOneChunkEach() {
    try (RootAllocator alloc = new RootAllocator();
        Float8Vector a = new Float8Vector("a", alloc);
        Float8Vector b = new Float8Vector("b", alloc);
        BitVector m = new BitVector("m", alloc);
        IntVector withNull = new IntVector("n", alloc)) {
      a.allocateNew(3);
      b.allocateNew(2);
      for (int i = 0; i < 3; i++) {
        a.set(i, i + 0.5);
      }
      b.set(0, 10);
      b.set(1, 20);
      a.setValueCount(3);
      b.setValueCount(2);
      NdArray x = NdArray.fromArrow(a, b);
      assertArrayEquals(new long[] {3, 2}, x.chunks()[0]);
      assertArrayEquals(new double[] {0.5, 1.5, 2.5, 10, 20}, x.compute().toDoubleArray());
      m.allocateNew(3);
      m.set(0, 1);
      m.set(1, 0);
      m.set(2, 1);
      m.setValueCount(3);
      assertArrayEquals(new boolean[] {true, false, true}, NdArray.fromArrow(m).compute().toBooleanArray());
      withNull.allocateNew(2);
      withNull.set(0, 1);
      withNull.setNull(1);
      withNull.setValueCount(2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NdArray.fromArrow(withNull));
      assertTrue(e.getMessage().contains("1 nulls"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> NdArray.fromArrow(a, m));
    }
  }

  @Test
  void aPersistedArrayHoldsItsChunksUntilClosed() {
    NdArray x = NdArray.random(3).normal(new long[] {40, 30}, new long[] {16, 16});
    double expected = x.sum().compute().doubleValue();
    try (PersistedArray p = x.persist()) {
      assertTrue(ArrayMemory.allocatedBytes() >= 40 * 30 * 8, "the chunks are held");
      assertEquals(expected, p.array().sum().compute().doubleValue());
      assertEquals(expected, p.array().sum().compute().doubleValue(), "computing again reads the same chunks");
    }
    assertEquals(0, ArrayMemory.allocatedBytes());
  }

  /**
   * The chunk streams are the published xoshiro256++: the same state gives the JDK's
   * Xoshiro256PlusPlus outputs, before and after a jump.
   */
  @Test
  void chunkStreamsAreXoshiro256PlusPlusWithItsJump() {
    // Bytes below 0x80 only: JDK 17's conversion of seed bytes sign-extends, so a byte of 0x80
    // or more would not give the state it spells.
    long[] state = {0x0123456701234567L, 0x1122334455667711L, 0x7f1e2d3c4b5a6978L, 0x2a2b2c2d2e2f3031L};
    byte[] seed = new byte[32];
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < 8; k++) {
        seed[i * 8 + k] = (byte) (state[i] >>> (56 - 8 * k)); // the JDK reads seed bytes big-endian
      }
    }
    RandomGenerator.JumpableGenerator jdk =
        (RandomGenerator.JumpableGenerator) RandomGeneratorFactory.of("Xoshiro256PlusPlus").create(seed);
    Xoshiro256 ours = new Xoshiro256(state);
    for (int i = 0; i < 5; i++) {
      assertEquals(jdk.nextLong(), ours.nextLong(), "draw " + i);
    }
    jdk.jump();
    ours.jump();
    for (int i = 0; i < 5; i++) {
      assertEquals(jdk.nextLong(), ours.nextLong(), "draw " + i + " after a jump");
    }
  }
}
