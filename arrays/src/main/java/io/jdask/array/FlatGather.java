package io.jdask.array;


/**
 * One output block of a reshape: the elements whose row-major position in the whole array lies
 * in {@code [first, first + size)}, copied out of the input blocks that hold any of them.
 */
record FlatGather(long[] arrayShape, long[][] inOffsets, long first, long[] resultShape)
    implements ChunkFunction {
  @Override
  public Object compute(Object[] args) {
    Chunk c0 = (Chunk) args[0];
    Chunk out = Chunk.allocate(c0.dtype(), resultShape);
    long end = first + out.size();
    long[] stride = Broadcast.contiguousStrides(arrayShape);
    int ndim = arrayShape.length;
    int w = c0.dtype().byteWidth();
    for (int k = 0; k < args.length; k++) {
      Chunk in = (Chunk) args[k];
      long[] s = in.shape();
      long[] off = inOffsets[k];
      long base = 0;
      for (int a = 0; a < ndim; a++) {
        base += off[a] * stride[a];
      }
      int[] idx = new int[ndim];
      long f = base;
      for (long i = 0, n = in.size(); i < n; i++) {
        if (f >= first && f < end) {
          Chunk.copyElement(in.address() + i * w, out.address() + (f - first) * w, w);
        }
        for (int a = ndim - 1; a >= 0; a--) {
          f += stride[a];
          if (++idx[a] < s[a]) {
            break;
          }
          idx[a] = 0;
          f -= stride[a] * s[a];
        }
      }
    }
    return out;
  }
}
