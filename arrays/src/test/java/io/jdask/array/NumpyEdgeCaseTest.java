package io.jdask.array;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge cases where jdask must agree with NumPy: empty chunks, int64 beyond 2^53, huge steps, scalar promotion, ddof. */
class NumpyEdgeCaseTest extends ArrayTestSupport {
  @TempDir Path tmp;

  // a zero-length chunk (from concatenate) must not take part in min/max as a value
  @Test
  void maxOverConcatenateWithAnEmptyArrayIgnoresTheEmptyChunk() {
    NdArray a = NdArray.fromArray(new double[] {-3, -1, -2}, new long[] {3}, new long[] {2});
    NdArray e = NdArray.zeros(new long[] {0}, new long[] {1});
    NdArray c = NdArray.concatenate(0, a, e); // chunks ([2, 1, 0])
    assertEquals(-1.0, c.max().compute().doubleValue(), "max");
  }

  @Test
  void minOfInt64OverConcatenateWithAnEmptyArray() {
    NdArray a = NdArray.fromArray(new long[] {3, 1, 2}, new long[] {3}, new long[] {2});
    NdArray e = NdArray.fromArray(new long[0], new long[] {0}, new long[] {1});
    assertEquals(1L, NdArray.concatenate(0, e, a).min().compute().longValue());
  }

  // argmin/argmax compare int64 values exactly
  @Test
  void argminOfInt64AboveTwoToThe53DistinguishesNeighbours() {
    long big = 1L << 60;
    NdArray x = NdArray.fromArray(new long[] {big + 1, big}, new long[] {2}, new long[] {2});
    assertEquals(1L, x.argmin().compute().longValue(), "numpy.argmin([2**60 + 1, 2**60]) == 1");
  }

  // huge steps do not overflow the selection count
  @Test
  void hugePositiveStepSelectsTheFirstElement() {
    NdArray v = NdArray.arange(10, 3);
    // Python: list(range(10))[0:10:sys.maxsize] == [0]
    assertArrayEquals(new long[] {0}, v.slice(Slice.range(0, 10, Long.MAX_VALUE)).compute().toLongArray());
  }

  @Test
  void hugeNegativeStepSelectsTheLastElement() {
    NdArray v = NdArray.arange(10, 3);
    // Python: list(range(10))[::-sys.maxsize] == [9]
    assertArrayEquals(new long[] {9}, v.slice(Slice.step(-Long.MAX_VALUE)).compute().toLongArray());
  }

  // an integral scalar outside int32 is refused, as NumPy raises, rather than wrapped
  @Test
  void int32PlusAnOutOfRangeScalarDoesNotSilentlyWrap() {
    // NumPy 2 (NEP 50): np.array([1], np.int32) + 10_000_000_000 raises OverflowError
    NdArray x = NdArray.fromArray(new int[] {1}, new long[] {1}, new long[] {1});
    NdArray y;
    try {
      y = x.add(1e10);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return; // refusing, as NumPy does, is fine
    }
    assertEquals(1e10 + 1, y.compute().getDouble(0), "int32 + 1e10 gave dtype " + y.dtype());
  }

  // where() promotes an integral scalar as arithmetic does: int64 values stay exact
  @Test
  void whereWithAnIntegralScalarKeepsInt64() {
    NdArray mask = NdArray.fromArray(new boolean[] {true, false}, new long[] {2}, new long[] {1});
    NdArray i64 = NdArray.fromArray(new long[] {(1L << 60) + 1, 5}, new long[] {2}, new long[] {1});
    assertEquals(DType.INT64, i64.add(-1).dtype(), "arithmetic keeps int64");
    ComputedArray w = NdArray.where(mask, i64, -1).compute(); // numpy.where(mask, i64, -1): int64
    assertEquals((1L << 60) + 1, w.getLong(0), "dtype " + w.dtype());
  }

  // var/std with ddof >= n: NumPy divides by max(n - ddof, 0) and gives inf
  @Test
  void varianceWithNoDegreesOfFreedomIsInfAsInNumpy() {
    NdArray x = NdArray.fromArray(new double[] {1, 2}, new long[] {2}, new long[] {1});
    assertEquals(Double.POSITIVE_INFINITY, x.var(ReduceOptions.all().ddof(2)).compute().doubleValue(),
        "numpy.var([1, 2], ddof=2) == inf");
  }

  // store() onto an existing regular file says that it exists
  @Test
  void storeOnARegularFileSaysItExists() throws Exception {
    Path f = tmp.resolve("file");
    Files.writeString(f, "x");
    Exception e = assertThrows(RuntimeException.class, () -> NdArray.ones(new long[] {2}, new long[] {1}).store(f));
    assertTrue(e.getMessage().contains("already exists and is not an empty directory"), e.toString());
  }

  // abs of a bool array: NumPy keeps bool
  @Test
  void absOfBoolStaysBool() {
    NdArray b = NdArray.fromArray(new boolean[] {true, false}, new long[] {2}, new long[] {1});
    assertEquals(DType.BOOL, b.abs().dtype(), "numpy.abs(bool array).dtype == bool");
  }
}
