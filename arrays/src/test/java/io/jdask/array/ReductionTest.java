package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReductionTest extends ArrayTestSupport {
  private static final long[][][] CASES = {
    {{29}, {6}},
    {{7, 11}, {3, 4}},
    {{5, 6, 7}, {2, 4, 3}},
  };

  /** Every subset of the axes of an array of {@code ndim} dimensions, as masks. */
  private static List<boolean[]> axisSets(int ndim) {
    List<boolean[]> out = new ArrayList<>();
    for (int m = 1; m < (1 << ndim); m++) {
      boolean[] mask = new boolean[ndim];
      for (int a = 0; a < ndim; a++) {
        mask[a] = (m & (1 << a)) != 0;
      }
      out.add(mask);
    }
    return out;
  }

  private static int[] axesOf(boolean[] mask) {
    List<Integer> a = new ArrayList<>();
    for (int i = 0; i < mask.length; i++) {
      if (mask[i]) {
        a.add(i);
      }
    }
    return a.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void sumMeanVarStdMinMaxOverEveryAxisSetMatchTheReference() {
    for (long[][] c : CASES) {
      long[] shape = c[0];
      double[] data = Ref.randomData(11, shape);
      NdArray x = NdArray.fromArray(data, shape, c[1]);
      for (boolean[] mask : axisSets(shape.length)) {
        int[] axes = axesOf(mask);
        String what = java.util.Arrays.toString(shape) + " axes " + java.util.Arrays.toString(axes);
        ReduceOptions o = ReduceOptions.axes(axes).splitEvery(2);
        check(what + " sum", Ref.reduce(data, shape, mask, Ref::sum, false), x.sum(o));
        check(what + " mean", Ref.reduce(data, shape, mask, () -> Ref.moments(0, 0), false), x.mean(o));
        check(what + " var", Ref.reduce(data, shape, mask, () -> Ref.moments(1, 0), false), x.var(o));
        check(what + " std ddof 1", Ref.reduce(data, shape, mask, () -> Ref.moments(2, 1), false), x.std(o.ddof(1)));
        check(what + " min", Ref.reduce(data, shape, mask, () -> Ref.extreme(true, false), false), x.min(o));
        check(what + " max", Ref.reduce(data, shape, mask, () -> Ref.extreme(false, false), false), x.max(o));
      }
    }
  }

  private static void check(String what, double[] expected, NdArray result) {
    ComputedArray r = result.compute();
    double[] actual = r.toDoubleArray();
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-9 * Math.max(1, Math.abs(expected[i])), what + " element " + i);
    }
  }

  @Test
  void argminAndArgmaxGiveTheFirstIndexOverAllAxesOrOne() {
    long[] shape = {7, 11};
    double[] data = Ref.randomData(12, shape);
    data[20] = -100;
    data[50] = -100; // a tie: the first wins
    data[3] = 100;
    NdArray x = NdArray.fromArray(data, shape, new long[] {3, 4});
    assertEquals(20, x.argmin().compute().longValue());
    assertEquals(3, x.argmax().compute().longValue());
    for (int axis = 0; axis < 2; axis++) {
      boolean[] mask = new boolean[2];
      mask[axis] = true;
      double[] emin = Ref.reduce(data, shape, mask, () -> Ref.extreme(true, true), false);
      double[] emax = Ref.reduce(data, shape, mask, () -> Ref.extreme(false, true), false);
      assertArrayEquals(emin, x.argmin(axis).compute().toDoubleArray(), "argmin axis " + axis);
      assertArrayEquals(emax, x.argmax(axis).compute().toDoubleArray(), "argmax axis " + axis);
    }
    assertEquals(DType.INT64, x.argmin().dtype());
  }

  @Test
  void integerSumsStayExactAndDtypesFollowNumpy() {
    long big = 1L << 55;
    NdArray x = NdArray.fromArray(new long[] {big, 1, big, 1, 3}, new long[] {5}, new long[] {2});
    assertEquals(2 * big + 5, x.sum().compute().longValue());
    assertEquals(DType.INT64, x.sum().dtype());
    NdArray i32 = NdArray.fromArray(new int[] {4, -2, 9}, new long[] {3}, new long[] {2});
    assertEquals(DType.INT32, i32.max().dtype());
    assertEquals(9, i32.max().compute().longValue());
    assertEquals(-2, i32.min().compute().longValue());
    assertEquals(DType.FLOAT64, i32.mean().dtype());
    assertEquals(11 / 3.0, i32.mean().compute().doubleValue(), 1e-12);
    NdArray mask = NdArray.fromArray(new boolean[] {false, true, false, false}, new long[] {2, 2}, new long[] {1, 1});
    assertEquals(true, mask.any().compute().getBoolean());
    assertEquals(false, mask.all().compute().getBoolean());
    assertArrayEquals(new boolean[] {true, false}, mask.any(1).compute().toBooleanArray());
    assertEquals(1, mask.sum().compute().longValue());
    NdArray f = NdArray.fromArray(new double[] {1, Double.NaN, 3}, new long[] {3}, new long[] {2});
    assertEquals(Double.NaN, f.max().compute().doubleValue(), "NaN propagates, as in NumPy");
    assertEquals(1, f.argmax().compute().longValue(), "argmax returns the first NaN");
  }

  @Test
  void keepDimsAndSplitEveryShapeTheResult() {
    long[] shape = {9, 10};
    double[] data = Ref.randomData(13, shape);
    NdArray x = NdArray.fromArray(data, shape, new long[] {2, 3});
    ComputedArray k = x.sum(ReduceOptions.axes(1).keepDims(true)).compute();
    assertArrayEquals(new long[] {9, 1}, k.shape());
    ComputedArray total = x.sum().compute();
    assertEquals(0, total.ndim());
    double expected = 0;
    for (double d : data) {
      expected += d;
    }
    assertEquals(expected, total.doubleValue(), 1e-9);
    for (int split : new int[] {2, 3, 100}) {
      assertEquals(expected, x.sum(ReduceOptions.all().splitEvery(split)).compute().doubleValue(), 1e-9, "splitEvery " + split);
    }
    assertThrows(IllegalArgumentException.class, () -> x.sum(ReduceOptions.all().splitEvery(1)));
    assertThrows(IllegalArgumentException.class, () -> x.sum(2));
    assertThrows(IllegalArgumentException.class, () -> NdArray.zeros(new long[] {0}, new long[] {1}).max());
    assertEquals(0.0, NdArray.zeros(new long[] {0}, new long[] {1}).sum().compute().doubleValue());
  }

  @Test
  void varianceIsAccurateForLargeOffsets() {
    int n = 10_000;
    double[] data = new double[n];
    for (int i = 0; i < n; i++) {
      data[i] = 1e9 + (i % 7);
    }
    NdArray x = NdArray.fromArray(data, new long[] {n}, new long[] {999});
    double mean = 0;
    for (double d : data) {
      mean += (d - 1e9) / n;
    }
    double var = 0;
    for (double d : data) {
      var += (d - 1e9 - mean) * (d - 1e9 - mean) / n;
    }
    assertEquals(var, x.var().compute().doubleValue(), 1e-6);
  }
}
