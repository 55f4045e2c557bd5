package io.jdask.array;

import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Graphs that move elements between blocks: slicing, rechunk, transpose, reshape, concatenate. */
final class Restructure {
  private Restructure() {}

  static NdArray slice(NdArray x, Slice... slices) {
    int ndim = x.ndim();
    if (slices.length > ndim) {
      throw new IndexOutOfBoundsException("too many indices: " + slices.length + " for an array of " + ndim + " dimensions");
    }
    Chunking in = x.chunking();
    long[] start = new long[ndim];
    long[] step = new long[ndim];
    long[] count = new long[ndim];
    boolean[] dropped = new boolean[ndim];
    // Per axis, the output chunks: one per input chunk that holds selected elements.
    List<List<long[]>> parts = new ArrayList<>(); // {first selection position, count}
    for (int a = 0; a < ndim; a++) {
      Slice s = a < slices.length ? slices[a] : Slice.all();
      long[] r = s.resolve(in.dim(a), a);
      start[a] = r[0];
      count[a] = r[1];
      step[a] = s.step();
      dropped[a] = s.isSingle();
      List<long[]> p = new ArrayList<>();
      int n = in.grid(a);
      for (int k = 0; k < n; k++) {
        int i = step[a] > 0 ? k : n - 1 - k; // a backwards selection meets the chunks last first
        long[] j = Gather.range(start[a], step[a], count[a], in.offset(a, i), in.chunkLength(a, i));
        if (j != null) {
          p.add(new long[] {j[0], j[1] - j[0] + 1});
        }
      }
      if (p.isEmpty()) {
        p.add(new long[] {0, 0});
      }
      parts.add(p);
    }
    List<long[]> outSizes = new ArrayList<>();
    for (int a = 0; a < ndim; a++) {
      if (!dropped[a]) {
        outSizes.add(parts.get(a).stream().mapToLong(p -> p[1]).toArray());
      }
    }
    Chunking outChunks = new Chunking(outSizes.toArray(new long[0][]));
    int[] grid = new int[ndim];
    for (int a = 0; a < ndim; a++) {
      grid[a] = parts.get(a).size();
    }
    Task[] blocks = new Task[outChunks.blockCount()];
    int[] c = new int[ndim];
    for (int b = 0; b < blocks.length; b++) {
      long[] bs = new long[ndim];
      long[] bc = new long[ndim];
      List<Long> resultShape = new ArrayList<>();
      for (int a = 0; a < ndim; a++) {
        long[] p = parts.get(a).get(c[a]);
        bs[a] = start[a] + p[0] * step[a];
        bc[a] = p[1];
        if (!dropped[a]) {
          resultShape.add(p[1]);
        }
      }
      blocks[b] = gatherTask("getitem", x, bs, step, bc, resultShape.stream().mapToLong(Long::longValue).toArray());
      for (int a = ndim - 1; a >= 0; a--) {
        if (++c[a] < grid[a]) {
          break;
        }
        c[a] = 0;
      }
    }
    return new NdArray(x.dtype(), outChunks, blocks);
  }

  private static Task gatherTask(String group, NdArray x, long[] start, long[] step, long[] count, long[] resultShape) {
    List<int[]> inputs = new ArrayList<>();
    Gather g = Gather.plan(x.chunking(), start, step, count, resultShape, inputs);
    Object[] args = new Object[inputs.size()];
    for (int k = 0; k < args.length; k++) {
      args[k] = x.block(x.chunking().block(inputs.get(k)));
    }
    return Task.of(group, g, args);
  }

  static NdArray rechunk(NdArray x, Chunking target) {
    if (!Arrays.equals(target.shape(), x.shape())) {
      throw new IllegalArgumentException("chunks " + target + " do not fit shape " + Arrays.toString(x.shape()));
    }
    if (target.equals(x.chunking())) {
      return x;
    }
    int ndim = x.ndim();
    long[] ones = new long[ndim];
    Arrays.fill(ones, 1);
    Task[] blocks = new Task[target.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] c = target.coords(b);
      long[] shape = target.blockShape(c);
      blocks[b] = gatherTask("rechunk", x, target.blockOffset(c), ones, shape, shape);
    }
    return new NdArray(x.dtype(), target, blocks);
  }

  static NdArray transpose(NdArray x, int... axes) {
    int ndim = x.ndim();
    int[] perm = new int[ndim];
    if (axes.length == 0) {
      for (int a = 0; a < ndim; a++) {
        perm[a] = ndim - 1 - a;
      }
    } else {
      if (axes.length != ndim) {
        throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " don't match an array of " + ndim + " dimensions");
      }
      boolean[] seen = new boolean[ndim];
      for (int a = 0; a < ndim; a++) {
        int p = axes[a] < 0 ? axes[a] + ndim : axes[a];
        if (p < 0 || p >= ndim || seen[p]) {
          throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " are not a permutation of 0.." + (ndim - 1));
        }
        seen[p] = true;
        perm[a] = p;
      }
    }
    Chunking in = x.chunking();
    long[][] sizes = new long[ndim][];
    for (int a = 0; a < ndim; a++) {
      sizes[a] = in.chunkLengths(perm[a]);
    }
    Chunking out = new Chunking(sizes);
    Transpose fn = new Transpose(perm);
    Task[] blocks = new Task[out.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] c = out.coords(b);
      int[] ic = new int[ndim];
      for (int a = 0; a < ndim; a++) {
        ic[perm[a]] = c[a];
      }
      blocks[b] = Task.of("transpose", fn, x.block(in.block(ic)));
    }
    return new NdArray(x.dtype(), out, blocks);
  }

  /**
   * A new shape for the same elements in row-major order. The result is chunked along its first
   * axis only (whole along the others), with blocks about the size of the input's, so that each
   * output block is one contiguous run of elements; {@code rechunk} it for other chunkings.
   */
  static NdArray reshape(NdArray x, long... newShape) {
    long[] shape = inferShape(x.size(), newShape);
    if (Arrays.equals(shape, x.shape())) {
      return x;
    }
    int ndim = shape.length;
    long rowElems = 1;
    for (int a = 1; a < ndim; a++) {
      rowElems *= shape[a];
    }
    long target = Math.max(1, Chunk.product(x.chunking().maxChunkShape()));
    long rows = ndim == 0 ? 1 : Math.max(1, target / Math.max(1, rowElems));
    long[] chunkShape = Chunking.negativeOnes(ndim);
    if (ndim > 0) {
      chunkShape[0] = rows;
    }
    Chunking out = Chunking.regular(shape, chunkShape);
    Chunking in = x.chunking();
    long[] inStride = Broadcast.contiguousStrides(x.shape());
    Task[] blocks = new Task[out.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      long[] bshape = out.blockShape(out.coords(b));
      long first = ndim == 0 ? 0 : out.offset(0, out.coords(b)[0]) * rowElems;
      long end = first + Chunk.product(bshape);
      List<Object> args = new ArrayList<>();
      List<long[]> offsets = new ArrayList<>();
      for (int ib = 0; ib < in.blockCount(); ib++) {
        int[] ic = in.coords(ib);
        long[] off = in.blockOffset(ic);
        long[] bs = in.blockShape(ic);
        long lo = 0;
        long hi = 0;
        for (int a = 0; a < x.ndim(); a++) {
          lo += off[a] * inStride[a];
          hi += (off[a] + Math.max(bs[a], 1) - 1) * inStride[a];
        }
        if (Chunk.product(bs) > 0 && hi >= first && lo < end) {
          args.add(x.block(ib));
          offsets.add(off);
        }
      }
      if (args.isEmpty()) {
        args.add(x.block(0));
        offsets.add(in.blockOffset(in.coords(0)));
      }
      blocks[b] = Task.of("reshape",
          new FlatGather(x.shape(), offsets.toArray(new long[0][]), first, bshape), args.toArray());
    }
    return new NdArray(x.dtype(), out, blocks);
  }

  private static long[] inferShape(long size, long[] newShape) {
    long[] shape = newShape.clone();
    int unknown = -1;
    long known = 1;
    for (int a = 0; a < shape.length; a++) {
      if (shape[a] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("can only specify one unknown dimension in " + Arrays.toString(newShape));
        }
        unknown = a;
      } else if (shape[a] < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(newShape));
      } else {
        known *= shape[a];
      }
    }
    if (unknown >= 0 && known > 0 && size % known == 0) {
      shape[unknown] = size / known;
      known = size;
    }
    if (known != size) {
      throw new IllegalArgumentException("cannot reshape an array of size " + size + " into shape " + Arrays.toString(newShape));
    }
    return shape;
  }

  static NdArray concatenate(int axis, NdArray... arrays) {
    if (arrays.length == 0) {
      throw new IllegalArgumentException("need at least one array to concatenate");
    }
    NdArray first = arrays[0];
    int ndim = first.ndim();
    int ax = axis < 0 ? axis + ndim : axis;
    if (ax < 0 || ax >= ndim) {
      throw new IllegalArgumentException("axis " + axis + " is out of bounds for an array of " + ndim + " dimensions");
    }
    DType dtype = first.dtype();
    for (NdArray a : arrays) {
      if (a.ndim() != ndim) {
        throw new IllegalArgumentException("all arrays must have the same number of dimensions; got " + ndim + " and " + a.ndim());
      }
      for (int k = 0; k < ndim; k++) {
        if (k != ax && a.shape()[k] != first.shape()[k]) {
          throw new IllegalArgumentException("shapes " + Arrays.toString(first.shape()) + " and " + Arrays.toString(a.shape())
              + " differ outside the concatenation axis " + ax);
        }
      }
      dtype = DType.promote(dtype, a.dtype());
    }
    List<NdArray> parts = new ArrayList<>();
    List<Long> axisChunks = new ArrayList<>();
    for (NdArray a : arrays) {
      NdArray p = a.dtype() == dtype ? a : a.astype(dtype);
      long[][] want = first.chunking().sizes();
      want[ax] = p.chunking().chunkLengths(ax);
      p = rechunk(p, new Chunking(want));
      parts.add(p);
      for (long s : p.chunking().chunkLengths(ax)) {
        axisChunks.add(s);
      }
    }
    long[][] sizes = first.chunking().sizes();
    sizes[ax] = axisChunks.stream().mapToLong(Long::longValue).toArray();
    Chunking out = new Chunking(sizes);
    Task[] blocks = new Task[out.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      int[] c = out.coords(b);
      int k = c[ax];
      for (NdArray p : parts) {
        int g = p.chunking().grid(ax);
        if (k < g) {
          int[] pc = c.clone();
          pc[ax] = k;
          blocks[b] = p.block(p.chunking().block(pc));
          break;
        }
        k -= g;
      }
    }
    return new NdArray(dtype, out, blocks);
  }

  /** Inserts an axis of length 1 at {@code axis}. */
  static NdArray expandDims(NdArray x, int axis) {
    int ndim = x.ndim() + 1;
    int ax = axis < 0 ? axis + ndim : axis;
    if (ax < 0 || ax >= ndim) {
      throw new IllegalArgumentException("axis " + axis + " is out of bounds for the result of " + ndim + " dimensions");
    }
    long[][] in = x.chunking().sizes();
    long[][] sizes = new long[ndim][];
    for (int a = 0, k = 0; a < ndim; a++) {
      sizes[a] = a == ax ? new long[] {1} : in[k++];
    }
    Chunking out = new Chunking(sizes);
    Task[] blocks = new Task[out.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      long[] shape = out.blockShape(out.coords(b));
      blocks[b] = Task.of("expand-dims", new BlockTasks.Relabel(shape), x.block(b));
    }
    return new NdArray(x.dtype(), out, blocks);
  }
}
