package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RestructureTest extends ArrayTestSupport {
  private static final long[] S = {9, 13};
  private static final long[] C = {4, 5};

  private static double at(double[] d, long[] shape, long... idx) {
    return d[(int) Ref.flat(idx, shape)];
  }

  @Test
  void slicingWithStepsMatchesPython() {
    double[] d = Ref.randomData(21, S);
    NdArray x = NdArray.fromArray(d, S, C);
    ComputedArray r = x.slice(Slice.range(1, 8, 3), Slice.range(-2, 0, -4)).compute();
    long[] rows = {1, 4, 7};
    long[] cols = {11, 7, 3};
    assertArrayEquals(new long[] {3, 3}, r.shape());
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(at(d, S, rows[i], cols[j]), r.getDouble(i, j), "at " + i + "," + j);
      }
    }
    ComputedArray rev = x.slice(Slice.step(-1)).compute();
    assertEquals(at(d, S, 8, 0), rev.getDouble(0, 0));
    ComputedArray row = x.slice(Slice.at(-1)).compute();
    assertArrayEquals(new long[] {13}, row.shape());
    assertEquals(at(d, S, 8, 12), row.getDouble(12));
    ComputedArray col = x.slice(Slice.all(), Slice.at(6)).compute();
    assertArrayEquals(new long[] {9}, col.shape());
    assertEquals(at(d, S, 5, 6), col.getDouble(5));
    assertEquals(at(d, S, 3, 4), x.slice(Slice.at(3), Slice.at(4)).compute().doubleValue());
    assertArrayEquals(new long[] {0, 13}, x.slice(Slice.range(5, 2)).compute().shape());
    assertArrayEquals(new long[] {9, 2}, x.slice(Slice.all(), Slice.from(11)).compute().shape());
    assertThrows(IndexOutOfBoundsException.class, () -> x.slice(Slice.at(9)));
  }

  @Test
  void transposeAndPermutationsOfThreeDimensions() {
    double[] d = Ref.randomData(22, S);
    NdArray x = NdArray.fromArray(d, S, C);
    ComputedArray t = x.transpose().compute();
    assertArrayEquals(new long[] {13, 9}, t.shape());
    for (int i = 0; i < 9; i++) {
      for (int j = 0; j < 13; j++) {
        assertEquals(at(d, S, i, j), t.getDouble(j, i));
      }
    }
    long[] s3 = {4, 5, 6};
    double[] e = Ref.randomData(23, s3);
    ComputedArray p = NdArray.fromArray(e, s3, new long[] {3, 2, 4}).transpose(2, 0, 1).compute();
    assertArrayEquals(new long[] {6, 4, 5}, p.shape());
    assertEquals(at(e, s3, 3, 1, 5), p.getDouble(5, 3, 1));
    // (x + x.T) on a square array with chunks that do not divide it
    long[] sq = {10, 10};
    double[] q = Ref.randomData(24, sq);
    NdArray y = NdArray.fromArray(q, sq, new long[] {3, 3});
    ComputedArray s = y.add(y.transpose()).compute();
    assertEquals(at(q, sq, 2, 7) + at(q, sq, 7, 2), s.getDouble(2, 7), 1e-12);
  }

  @Test
  void reshapeRechunkConcatenateAndStack() {
    double[] d = Ref.randomData(25, S);
    NdArray x = NdArray.fromArray(d, S, C);
    assertArrayEquals(d, x.reshape(-1).compute().toDoubleArray());
    ComputedArray r3 = x.reshape(3, 3, 13).compute();
    assertArrayEquals(new long[] {3, 3, 13}, r3.shape());
    assertArrayEquals(d, r3.toDoubleArray());
    assertArrayEquals(d, x.reshape(13, 9).compute().toDoubleArray());
    assertThrows(IllegalArgumentException.class, () -> x.reshape(10, 10));
    NdArray re = x.rechunk(2, 7);
    assertArrayEquals(new long[] {2, 2, 2, 2, 1}, re.chunks()[0]);
    assertArrayEquals(d, re.compute().toDoubleArray());
    NdArray y = NdArray.fromArray(Ref.randomData(26, new long[] {4, 13}), new long[] {4, 13}, new long[] {3, 6});
    ComputedArray cat = NdArray.concatenate(0, x, y).compute();
    assertArrayEquals(new long[] {13, 13}, cat.shape());
    assertEquals(at(d, S, 8, 12), cat.getDouble(8, 12));
    assertEquals(Ref.randomData(26, new long[] {4, 13})[13 + 2], cat.getDouble(10, 2));
    ComputedArray st = NdArray.stack(1, x, x.multiply(2)).compute();
    assertArrayEquals(new long[] {9, 2, 13}, st.shape());
    assertEquals(2 * at(d, S, 4, 5), st.getDouble(4, 1, 5));
    assertEquals(at(d, S, 4, 5), st.getDouble(4, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> NdArray.concatenate(1, x, y));
  }
}
