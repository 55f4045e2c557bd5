package io.jdask.array;

import io.jdask.graph.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Arrays made from Java arrays: each block's values are copied into its task when built. */
final class JavaArrays {
  private JavaArrays() {}

  static NdArray from(DType dtype, Object data, long length, long[] shape, long[] chunks) {
    if (Chunk.product(shape) != length) {
      throw new IllegalArgumentException("the data has " + length + " elements but shape "
          + Arrays.toString(shape) + " holds " + Chunk.product(shape));
    }
    Chunking c = Chunking.regular(shape, chunks);
    long[] strides = Broadcast.contiguousStrides(shape);
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] coords = c.coords(b);
      long[] bs = c.blockShape(coords);
      long[] off = c.blockOffset(coords);
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(Chunk.product(bs) * dtype.byteWidth()))
          .order(ByteOrder.LITTLE_ENDIAN);
      copyBlock(dtype, data, strides, bs, off, bytes);
      blocks[b] = Task.of("array", new Creation.FromBytes(dtype, bs, bytes.array()));
    }
    return new NdArray(dtype, c, blocks);
  }

  private static void copyBlock(DType dtype, Object data, long[] strides, long[] bs, long[] off, ByteBuffer out) {
    int ndim = bs.length;
    long n = Chunk.product(bs);
    int[] idx = new int[ndim];
    for (long i = 0; i < n; i++) {
      long f = 0;
      for (int a = 0; a < ndim; a++) {
        f += (off[a] + idx[a]) * strides[a];
      }
      int k = (int) f;
      switch (dtype) {
        case FLOAT64 -> out.putDouble(((double[]) data)[k]);
        case FLOAT32 -> out.putFloat(((float[]) data)[k]);
        case INT64 -> out.putLong(((long[]) data)[k]);
        case INT32 -> out.putInt(((int[]) data)[k]);
        case BOOL -> out.put((byte) (((boolean[]) data)[k] ? 1 : 0));
      }
      for (int a = ndim - 1; a >= 0; a--) {
        if (++idx[a] < bs[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
  }
}
