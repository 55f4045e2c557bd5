package io.jdask.array;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * One output block made of a strided selection of the array's elements, copied out of the
 * input blocks that hold them: the kernel behind slicing (one input block per output block)
 * and {@code rechunk} (several).
 *
 * <p>Along each axis the selection is {@code start + j * step} for {@code j < count} in array
 * coordinates; a negative step walks backwards. Contiguous runs along the last axis are copied
 * with one {@code memcpy}.
 *
 * @param start first selected index per axis
 * @param step step per axis (non-zero)
 * @param count selected elements per axis
 * @param inOffsets the array coordinates of each input block's first element, in argument order
 * @param resultShape the shape of the block made, with the same number of elements as
 *     {@code count} (axes selected by a single index are dropped here)
 */
record Gather(long[] start, long[] step, long[] count, long[][] inOffsets, long[] resultShape)
    implements ChunkFunction {

  @Override
  public Object compute(Object[] args) {
    Chunk first = (Chunk) args[0];
    Chunk out = Chunk.allocate(first.dtype(), resultShape);
    try {
      for (int k = 0; k < args.length; k++) {
        copyFrom((Chunk) args[k], inOffsets[k], out);
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  private void copyFrom(Chunk in, long[] off, Chunk out) {
    int ndim = start.length;
    long[] sh = in.shape();
    long[] lo = new long[ndim];
    long[] hi = new long[ndim]; // inclusive
    for (int a = 0; a < ndim; a++) {
      long[] r = range(start[a], step[a], count[a], off[a], sh[a]);
      if (r == null) {
        return;
      }
      lo[a] = r[0];
      hi[a] = r[1];
    }
    int width = in.dtype().byteWidth();
    long[] inStride = Broadcast.contiguousStrides(sh);
    long[] outStride = Broadcast.contiguousStrides(count);
    int last = ndim - 1;
    long[] j = lo.clone();
    while (true) {
      long src = 0;
      long dst = 0;
      for (int a = 0; a < last; a++) {
        src += (start[a] + j[a] * step[a] - off[a]) * inStride[a];
        dst += j[a] * outStride[a];
      }
      if (ndim == 0) {
        Chunk.copyElement(in.address(), out.address(), width);
        return;
      }
      long runLength = hi[last] - lo[last] + 1;
      long s0 = src + (start[last] + lo[last] * step[last] - off[last]);
      long d0 = dst + lo[last];
      if (step[last] == 1) {
        MemoryUtil.copyMemory(in.address() + s0 * width, out.address() + d0 * width, runLength * width);
      } else {
        for (long k = 0; k < runLength; k++) {
          Chunk.copyElement(in.address() + (s0 + k * step[last]) * width, out.address() + (d0 + k) * width, width);
        }
      }
      int a = last - 1;
      for (; a >= 0; a--) {
        if (++j[a] <= hi[a]) {
          break;
        }
        j[a] = lo[a];
      }
      if (a < 0) {
        return;
      }
    }
  }

  /**
   * The range {@code [jlo, jhi]} of selection positions whose index {@code start + j * step}
   * falls in {@code [off, off + len)}, or null if none does.
   */
  static long[] range(long start, long step, long count, long off, long len) {
    if (count == 0 || len == 0) {
      return null;
    }
    long first = off;
    long last = off + len - 1;
    long jlo;
    long jhi;
    if (step > 0) {
      jlo = Math.max(0, ceilDiv(first - start, step));
      jhi = Math.min(count - 1, Math.floorDiv(last - start, step));
    } else {
      long s = -step;
      jlo = Math.max(0, ceilDiv(start - last, s));
      jhi = Math.min(count - 1, Math.floorDiv(start - first, s));
    }
    return jlo <= jhi ? new long[] {jlo, jhi} : null;
  }

  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /**
   * Builds the gather of one output block: the selection along each axis, and the input blocks
   * of {@code in} it touches (their tasks go in {@code argsOut}).
   */
  static Gather plan(Chunking in, long[] start, long[] step, long[] count, long[] resultShape,
      List<int[]> blocksOut) {
    int ndim = start.length;
    List<List<Integer>> perAxis = new ArrayList<>();
    for (int a = 0; a < ndim; a++) {
      List<Integer> hit = new ArrayList<>();
      for (int i = 0; i < in.grid(a); i++) {
        if (range(start[a], step[a], count[a], in.offset(a, i), in.chunkLength(a, i)) != null) {
          hit.add(i);
        }
      }
      perAxis.add(hit);
    }
    List<long[]> offsets = new ArrayList<>();
    int[] pick = new int[ndim];
    boolean empty = perAxis.stream().anyMatch(List::isEmpty);
    if (empty) { // an empty selection still reads one block, for its dtype
      int[] c = new int[ndim];
      blocksOut.add(c);
      offsets.add(in.blockOffset(c));
    }
    while (!empty) {
      int[] c = new int[ndim];
      for (int a = 0; a < ndim; a++) {
        c[a] = perAxis.get(a).get(pick[a]);
      }
      blocksOut.add(c);
      offsets.add(in.blockOffset(c));
      int a = ndim - 1;
      for (; a >= 0; a--) {
        if (++pick[a] < perAxis.get(a).size()) {
          break;
        }
        pick[a] = 0;
      }
      if (a < 0) {
        break;
      }
    }
    return new Gather(start, step, count, offsets.toArray(new long[0][]), resultShape);
  }
}
