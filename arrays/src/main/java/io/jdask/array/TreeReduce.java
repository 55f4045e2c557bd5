package io.jdask.array;

import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Graphs of reductions as trees: a partial per block, then combines of up to {@code splitEvery}
 * partials at a time until one is left per output block, then a finish. With the core's
 * post-order priorities, a tree consumes its leaves as they are made, so a reduction over many
 * blocks holds only a few of them at once.
 */
final class TreeReduce {
  private TreeReduce() {}

  static NdArray build(NdArray x, Reduction op, ReduceOptions options) {
    Chunking in = x.chunking();
    int ndim = x.ndim();
    boolean[] mask = options.mask(ndim);
    long extent = 1;
    for (int a = 0; a < ndim; a++) {
      if (mask[a]) {
        extent *= in.dim(a);
      }
    }
    if (extent == 0 && op.needsElements()) {
      throw new IllegalArgumentException("zero-size array to reduction operation " + op.group + " which has no identity");
    }
    if (op.isArg() && ndim > 1) {
      int reduced = 0;
      for (boolean m : mask) {
        reduced += m ? 1 : 0;
      }
      if (reduced != 1 && reduced != ndim) {
        throw new IllegalArgumentException(op.group + " takes one axis or all of them");
      }
    }
    DType outType = op.resultType(x.dtype());
    BlockTasks.Partial partialFn = new BlockTasks.Partial(op, mask);
    BlockTasks.Combine combineFn = new BlockTasks.Combine(op);
    String group = op.group;

    // Output chunking: kept axes keep their chunks; reduced axes vanish (or keep length 1).
    List<long[]> outSizes = new ArrayList<>();
    for (int a = 0; a < ndim; a++) {
      if (!mask[a]) {
        outSizes.add(in.chunkLengths(a));
      } else if (options.keepDims()) {
        outSizes.add(new long[] {1});
      }
    }
    Chunking outChunks = new Chunking(outSizes.toArray(new long[0][]));

    Map<Integer, List<Object>> partialsPerOutput = new LinkedHashMap<>();
    for (int b = 0; b < in.blockCount(); b++) {
      int[] c = in.coords(b);
      if (extent > 0 && emptyAlongReduced(in, c, mask)) {
        // A zero-length chunk (left by a slice or a concatenate) holds nothing to reduce, and
        // its partial would stand for a value; its output block has other, non-empty inputs.
        continue;
      }
      Object where = op.isArg() ? new ReduceKernels.Position(in.blockOffset(c), in.shape()) : null;
      Task p = Task.of(group + "-partial", partialFn, x.block(b), where);
      partialsPerOutput.computeIfAbsent(outBlock(c, mask, outChunks, options.keepDims()), k -> new ArrayList<>()).add(p);
    }
    Task[] blocks = new Task[outChunks.blockCount()];
    for (Map.Entry<Integer, List<Object>> e : partialsPerOutput.entrySet()) {
      List<Object> level = e.getValue();
      while (level.size() > 1) {
        List<Object> next = new ArrayList<>();
        for (int i = 0; i < level.size(); i += options.splitEvery()) {
          List<Object> group1 = level.subList(i, Math.min(level.size(), i + options.splitEvery()));
          next.add(group1.size() == 1 ? group1.get(0) : Task.of(group + "-combine", combineFn, group1.toArray()));
        }
        level = next;
      }
      long[] shape = outChunks.blockShape(outChunks.coords(e.getKey()));
      blocks[e.getKey()] = Task.of(group, new BlockTasks.Finish(op, outType, shape, options.ddof()), level.get(0));
    }
    return new NdArray(outType, outChunks, blocks);
  }

  private static boolean emptyAlongReduced(Chunking in, int[] c, boolean[] mask) {
    for (int a = 0; a < c.length; a++) {
      if (mask[a] && in.chunkLength(a, c[a]) == 0) {
        return true;
      }
    }
    return false;
  }

  private static int outBlock(int[] c, boolean[] mask, Chunking out, boolean keepDims) {
    int[] oc = new int[out.ndim()];
    int k = 0;
    for (int a = 0; a < c.length; a++) {
      if (!mask[a]) {
        oc[k++] = c[a];
      } else if (keepDims) {
        oc[k++] = 0;
      }
    }
    return out.block(oc);
  }
}
