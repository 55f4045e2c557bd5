package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ElementwiseTest extends ArrayTestSupport {
  private static final long[] S2 = {7, 11};
  private static final long[] C2 = {3, 4}; // does not divide the shape

  @Test
  void arithmeticMatchesTheReferenceInOneTwoAndThreeDimensions() {
    for (long[][] sc : new long[][][] {{{23}, {5}}, {S2, C2}, {{5, 6, 7}, {2, 4, 3}}}) {
      long[] shape = sc[0];
      double[] a = Ref.randomData(1, shape);
      double[] b = Ref.randomData(2, shape);
      NdArray x = NdArray.fromArray(a, shape, sc[1]);
      NdArray y = NdArray.fromArray(b, shape, sc[1]);
      assertClose(Ref.broadcast(a, shape, b, shape, Double::sum), x.add(y).compute().toDoubleArray());
      assertClose(Ref.broadcast(a, shape, b, shape, (p, q) -> p - q), x.subtract(y).compute().toDoubleArray());
      assertClose(Ref.broadcast(a, shape, b, shape, (p, q) -> p * q), x.multiply(y).compute().toDoubleArray());
      assertClose(Ref.broadcast(a, shape, b, shape, (p, q) -> p / q), x.divide(y).compute().toDoubleArray());
      assertClose(Ref.broadcast(a, shape, b, shape, Math::max), x.maximum(y).compute().toDoubleArray());
      ComputedArray r = x.multiply(2.5).subtract(1).compute();
      assertShape(shape, r);
      double[] expected = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        expected[i] = a[i] * 2.5 - 1;
      }
      assertClose(expected, r.toDoubleArray());
    }
  }

  @Test
  void broadcastingFollowsNumpyWithDifferentChunkings() {
    long[] sx = {6, 1, 5};
    long[] sy = {4, 1};
    double[] a = Ref.randomData(3, sx);
    double[] b = Ref.randomData(4, sy);
    NdArray x = NdArray.fromArray(a, sx, new long[] {4, 1, 2});
    NdArray y = NdArray.fromArray(b, sy, new long[] {3, 1});
    ComputedArray r = x.add(y).compute();
    assertShape(new long[] {6, 4, 5}, r);
    assertClose(Ref.broadcast(a, sx, b, sy, Double::sum), r.toDoubleArray());
    // same axis, different chunks: the second operand is rechunked to the first's
    NdArray z = NdArray.fromArray(Ref.randomData(5, S2), S2, new long[] {5, 2});
    NdArray w = NdArray.fromArray(Ref.randomData(6, S2), S2, C2);
    assertClose(Ref.broadcast(Ref.randomData(5, S2), S2, Ref.randomData(6, S2), S2, (p, q) -> p * q),
        z.multiply(w).compute().toDoubleArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> x.add(NdArray.ones(new long[] {3}, new long[] {3})));
    assertTrue(e.getMessage().contains("[6, 1, 5] and [3]"), e.getMessage());
  }

  @Test
  void dtypesPromoteAsInNumpy() {
    NdArray i32 = NdArray.fromArray(new int[] {1, 2, 3, 4, 5}, new long[] {5}, new long[] {2});
    NdArray i64 = NdArray.fromArray(new long[] {10, 20, 30, 40, 50}, new long[] {5}, new long[] {3});
    NdArray f32 = NdArray.fromArray(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f}, new long[] {5}, new long[] {2});
    NdArray mask = NdArray.fromArray(new boolean[] {true, false, true, false, true}, new long[] {5}, new long[] {2});
    assertEquals(DType.INT64, i32.add(i64).dtype());
    assertArrayEquals(new long[] {11, 22, 33, 44, 55}, i32.add(i64).compute().toLongArray());
    assertEquals(DType.INT32, i32.multiply(3).dtype(), "an integral scalar keeps the array's dtype");
    assertEquals(DType.FLOAT64, i32.multiply(0.5).dtype());
    assertEquals(DType.FLOAT64, i32.divide(i32).dtype(), "true division");
    assertEquals(DType.FLOAT32, f32.multiply(2).dtype());
    assertEquals(DType.FLOAT64, f32.add(i32).dtype());
    assertEquals(DType.BOOL, i32.gt(2).dtype());
    assertArrayEquals(new boolean[] {false, false, true, true, true}, i32.gt(2).compute().toBooleanArray());
    assertArrayEquals(new boolean[] {true, false, true, false, false}, mask.and(i32.lt(4)).compute().toBooleanArray());
    assertEquals(DType.INT64, mask.add(mask).dtype());
    ComputedArray w = NdArray.where(mask, i64, -1).compute();
    assertArrayEquals(new double[] {10, -1, 30, -1, 50}, w.toDoubleArray());
    // int64 arithmetic stays exact beyond 2^53
    long big = (1L << 60) + 1;
    NdArray b = NdArray.fromArray(new long[] {big, big}, new long[] {2}, new long[] {1});
    assertArrayEquals(new long[] {2 * big, 2 * big}, b.add(b).compute().toLongArray());
    assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5, 4.5}, f32.compute().toDoubleArray());
    assertEquals(DType.INT32, f32.astype(DType.INT32).dtype());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, f32.astype(DType.INT32).compute().toLongArray());
  }

  @Test
  void whereBroadcastsAllThreeOperands() {
    long[] sc = {6, 1, 5};
    long[] sx = {4, 1};
    long[] sy = {6, 4, 5};
    double[] c = Ref.randomData(31, sc);
    double[] x = Ref.randomData(32, sx);
    double[] y = Ref.randomData(33, sy);
    NdArray cond = NdArray.fromArray(c, sc, new long[] {4, 1, 2}).gt(0);
    ComputedArray r = NdArray.where(cond, NdArray.fromArray(x, sx, new long[] {3, 1}),
        NdArray.fromArray(y, sy, new long[] {4, 3, 2})).compute();
    assertShape(sy, r);
    double[] picked = Ref.broadcast(Ref.broadcast(c, sc, x, sx, (p, q) -> p > 0 ? q : Double.NaN), sy, y, sy,
        (p, q) -> Double.isNaN(p) ? q : p);
    assertClose(picked, r.toDoubleArray());
  }

  @Test
  void unaryMathMapAndBlockFunctions() {
    double[] a = Ref.randomData(7, S2);
    NdArray x = NdArray.fromArray(a, S2, C2);
    double[] abs = x.abs().compute().toDoubleArray();
    double[] sin = x.sin().compute().toDoubleArray();
    double[] mapped = x.map(v -> v * v + 1).compute().toDoubleArray();
    double[] blocks = x.mapBlocks(bs -> {
      double[] v = bs[0].values();
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] + bs[0].offset()[0];
      }
      return v;
    }).compute().toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      assertEquals(Math.abs(a[i]), abs[i]);
      assertEquals(Math.sin(a[i]), sin[i]);
      assertEquals(a[i] * a[i] + 1, mapped[i]);
      long row = i / S2[1];
      assertEquals(a[i] + (row / 3) * 3, blocks[i], "block offset of row " + row);
    }
    assertArrayEquals(new boolean[] {false, true, false}, NdArray.fromArray(new double[] {1, Double.NaN, 3}, new long[] {3}, new long[] {2}).isnan().compute().toBooleanArray());
  }

  @Test
  void creationFunctionsMatchNumpy() {
    assertArrayEquals(new double[] {0, 0, 0, 0, 0}, NdArray.zeros(new long[] {5}, new long[] {2}).compute().toDoubleArray());
    assertArrayEquals(new double[] {1, 1, 1, 1}, NdArray.ones(new long[] {2, 2}, new long[] {1, 2}).compute().toDoubleArray());
    assertArrayEquals(new double[] {7, 7, 7}, NdArray.full(new long[] {3}, new long[] {2}, 7).compute().toDoubleArray());
    assertArrayEquals(new long[] {3, 5, 7, 9}, NdArray.arange(3, 10, 2, 3).compute().toLongArray());
    assertArrayEquals(new long[] {10, 7, 4, 1}, NdArray.arange(10, 0, -3, 3).compute().toLongArray());
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1.0}, NdArray.linspace(0, 1, 5, 2).compute().toDoubleArray());
    double[] ar = NdArray.arange(0.0, 1.0, 0.1, 3).compute().toDoubleArray();
    assertEquals(10, ar.length);
    assertEquals(0.1 * 9, ar[9], 0);
    ComputedArray z = NdArray.zeros(new long[] {0, 3}, new long[] {2, 2}).compute();
    assertShape(new long[] {0, 3}, z);
  }

  @Test
  void randomValuesDependOnSeedAndChunkingOnly() {
    long[] shape = {50, 40};
    long[] chunks = {16, 16};
    ComputedArray u = NdArray.random(42).uniform(shape, chunks).compute();
    ComputedArray again = NdArray.random(42).uniform(shape, chunks).compute();
    assertArrayEquals(u.toDoubleArray(), again.toDoubleArray());
    double[] v = u.toDoubleArray();
    double mean = 0;
    for (double d : v) {
      assertTrue(d >= 0 && d < 1);
      mean += d / v.length;
    }
    assertEquals(0.5, mean, 0.03);
    double[] n = NdArray.random(7).normal(3, 2, shape, chunks).compute().toDoubleArray();
    double nm = 0;
    double nv = 0;
    for (double d : n) {
      nm += d / n.length;
    }
    for (double d : n) {
      nv += (d - nm) * (d - nm) / n.length;
    }
    assertEquals(3, nm, 0.15);
    assertEquals(2, Math.sqrt(nv), 0.15);
    // every chunk has its own stream: no two chunks repeat each other
    assertTrue(v[0] != v[16], "chunk (0,0) and chunk (0,1) start differently");
  }
}
