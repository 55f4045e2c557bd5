package io.jdask.array;

import io.jdask.graph.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The graph of {@link NdArray#matmul}: output block (i, j) is the sum over p of x(i, p) @ y(p, j).
 *
 * <p>Each block product is its own task (group {@code matmul}), and the products of one output
 * block are summed by a tree of combines of at most {@link ReduceOptions#DEFAULT_SPLIT_EVERY}
 * inputs (group {@code matmul-sum}), as {@link TreeReduce} sums partials: with the core's
 * post-order priorities a combine runs as soon as its products exist, so however many blocks
 * the inner dimension has, only a few products per output block are held at once.
 *
 * <p>One-dimensional operands follow NumPy: a vector on the left is a 1 x k row, one on the right
 * a k x 1 column, and that axis is dropped from the result (vector @ vector is 0-d). The blocks
 * of {@code y} along its first axis must line up with those of {@code x} along its last; {@code
 * y} is rechunked when they do not.
 *
 * <p>Dtypes: integers (and booleans) multiply exactly in int64; floating inputs give float64,
 * except float32 @ float32, which is computed and summed in float64 and stored as float32 by the
 * last task of each output block.
 */
final class Matmul {
  private Matmul() {}

  static NdArray build(NdArray x, NdArray y) {
    if (x.ndim() == 0 || y.ndim() == 0 || x.ndim() > 2 || y.ndim() > 2) {
      throw new IllegalArgumentException("matmul takes 1-d and 2-d operands, not shapes "
          + Arrays.toString(x.shape()) + " and " + Arrays.toString(y.shape()));
    }
    long kx = x.shape()[x.ndim() - 1];
    long ky = y.shape()[0];
    if (kx != ky) {
      throw new IllegalArgumentException("matmul: the inner dimensions of shapes " + Arrays.toString(x.shape())
          + " and " + Arrays.toString(y.shape()) + " differ (" + kx + " != " + ky + ")");
    }
    DType out = resultType(x.dtype(), y.dtype());
    DType partial = out.isFloating() ? DType.FLOAT64 : DType.INT64;

    long[] kChunks = x.chunking().chunkLengths(x.ndim() - 1);
    long[][] want = y.chunking().sizes();
    want[0] = kChunks;
    NdArray yk = Restructure.rechunk(y, new Chunking(want));

    long[] mChunks = x.ndim() == 2 ? x.chunking().chunkLengths(0) : new long[] {1};
    long[] nChunks = y.ndim() == 2 ? y.chunking().chunkLengths(1) : new long[] {1};
    List<long[]> outSizes = new ArrayList<>();
    if (x.ndim() == 2) {
      outSizes.add(mChunks);
    }
    if (y.ndim() == 2) {
      outSizes.add(nChunks);
    }
    Chunking outChunks = new Chunking(outSizes.toArray(new long[0][]));
    int kBlocks = kChunks.length;
    int split = ReduceOptions.DEFAULT_SPLIT_EVERY;

    Task[] blocks = new Task[outChunks.blockCount()];
    for (int i = 0; i < mChunks.length; i++) {
      for (int j = 0; j < nChunks.length; j++) {
        int b = i * nChunks.length + j;
        long[] shape = outChunks.blockShape(outChunks.coords(b));
        List<Object> level = new ArrayList<>(kBlocks);
        for (int p = 0; p < kBlocks; p++) {
          Task xb = x.block(x.ndim() == 2 ? x.chunking().block(new int[] {i, p}) : p);
          Task yb = yk.block(y.ndim() == 2 ? yk.chunking().block(new int[] {p, j}) : p);
          level.add(Task.of("matmul", new Product(kBlocks == 1 ? out : partial, shape), xb, yb));
        }
        while (level.size() > 1) {
          boolean last = level.size() <= split;
          List<Object> next = new ArrayList<>();
          for (int s = 0; s < level.size(); s += split) {
            List<Object> group = level.subList(s, Math.min(level.size(), s + split));
            next.add(group.size() == 1 ? group.get(0)
                : Task.of("matmul-sum", new Sum(last ? out : partial, shape), group.toArray()));
          }
          level = next;
        }
        blocks[b] = (Task) level.get(0);
      }
    }
    return new NdArray(out, outChunks, blocks);
  }

  /** Integers (and booleans) to int64; float32 @ float32 to float32; any other floating to float64. */
  static DType resultType(DType a, DType b) {
    if (a == DType.FLOAT32 && b == DType.FLOAT32) {
      return DType.FLOAT32;
    }
    return a.isFloating() || b.isFloating() ? DType.FLOAT64 : DType.INT64;
  }

  /** One block product, written as {@code out} with the output block's {@code shape}. */
  record Product(DType out, long[] shape) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return MatmulKernel.product((Chunk) a[0], (Chunk) a[1], out, shape);
    }
  }

  /** The sum of some block products of one output block. */
  record Sum(DType out, long[] shape) implements ChunkFunction {
    @Override
    public Object compute(Object[] a) {
      return MatmulKernel.sum(a, out, shape);
    }
  }
}
