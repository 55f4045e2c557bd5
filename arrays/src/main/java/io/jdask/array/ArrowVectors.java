package io.jdask.array;

import io.jdask.graph.Task;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * One-dimensional arrays from Arrow vectors, one chunk per vector. The vectors stay the
 * caller's: their values are copied into the graph when it is built (a graph outlives the
 * vectors and may travel to other JVMs), so the caller may close them right after.
 */
final class ArrowVectors {
  private ArrowVectors() {}

  static NdArray from(List<? extends FieldVector> vectors) {
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("fromArrow needs at least one vector");
    }
    DType dtype = dtypeOf(vectors.get(0));
    long[] sizes = new long[vectors.size()];
    Task[] blocks = new Task[vectors.size()];
    for (int i = 0; i < blocks.length; i++) {
      FieldVector v = vectors.get(i);
      if (dtypeOf(v) != dtype) {
        throw new IllegalArgumentException("vector " + i + " ('" + v.getName() + "') is " + dtypeOf(v).numpyName()
            + " but vector 0 is " + dtype.numpyName() + "; the chunks of one array share a dtype");
      }
      if (v.getNullCount() > 0) {
        throw new IllegalArgumentException("vector '" + v.getName() + "' has " + v.getNullCount()
            + " nulls; jdask arrays have no nulls, so fill them first (for example with NaN)");
      }
      int n = v.getValueCount();
      sizes[i] = n;
      byte[] data = new byte[Math.multiplyExact(n, dtype.byteWidth())];
      if (v instanceof BitVector bits) {
        for (int k = 0; k < n; k++) {
          data[k] = (byte) bits.get(k);
        }
      } else {
        MemoryUtil.copyFromMemory(v.getDataBuffer().memoryAddress(), data, 0, data.length);
      }
      blocks[i] = Task.of("from-arrow", new Creation.FromBytes(dtype, new long[] {n}, data));
    }
    return new NdArray(dtype, new Chunking(new long[][] {sizes}), blocks);
  }

  private static DType dtypeOf(FieldVector v) {
    if (v instanceof Float8Vector) {
      return DType.FLOAT64;
    }
    if (v instanceof Float4Vector) {
      return DType.FLOAT32;
    }
    if (v instanceof BigIntVector) {
      return DType.INT64;
    }
    if (v instanceof IntVector) {
      return DType.INT32;
    }
    if (v instanceof BitVector) {
      return DType.BOOL;
    }
    throw new IllegalArgumentException("vector '" + v.getName() + "' is a " + v.getClass().getSimpleName()
        + "; arrays are made from Float8Vector, Float4Vector, BigIntVector, IntVector or BitVector");
  }
}
