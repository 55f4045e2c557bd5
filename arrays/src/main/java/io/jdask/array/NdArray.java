package io.jdask.array;

import io.jdask.Delayed;
import io.jdask.graph.Task;
import io.jdask.graph.TaskHandle;
import java.util.Arrays;
import java.util.Objects;

/**
 * A lazy N-dimensional array cut into chunks: the {@code dask.array} of jdask.
 *
 * <p>An {@code NdArray} is a shape, a dtype, a {@link Chunking} and one task per block; each
 * block, once computed, is one Arrow buffer ({@link Chunk}). Operations build new tasks and run
 * nothing; {@link #compute()} runs the graph on the configured scheduler and returns a
 * {@link ComputedArray} in the heap. Because the core releases each block the moment its last
 * reader has run, a reduction streams through an array far larger than memory.
 *
 * <pre>{@code
 * NdArray x = NdArray.random(42).uniform(new long[] {20_000, 20_000}, new long[] {2_000, 2_000});
 * double m = x.add(x.transpose()).mean().compute().doubleValue();
 * }</pre>
 *
 * <p>Arrays are immutable and may be shared between graphs: an array used twice in one
 * computation ({@code x} above) is computed once. An {@code NdArray} is a {@link TaskHandle}, so
 * {@code Jdask.compute(a, b)} computes several arrays (and {@code Delayed} values) in one run.
 */
public final class NdArray implements TaskHandle {
  private final DType dtype;
  private final Chunking chunking;
  private final Task[] blocks;
  private volatile Task assembled;

  NdArray(DType dtype, Chunking chunking, Task[] blocks) {
    if (blocks.length != chunking.blockCount()) {
      throw new IllegalStateException(blocks.length + " blocks for chunking " + chunking);
    }
    this.dtype = dtype;
    this.chunking = chunking;
    this.blocks = blocks;
  }

  // ---------------------------------------------------------------- creation

  /** An array of zeros, float64. */
  public static NdArray zeros(long[] shape, long[] chunks) {
    return full(shape, chunks, 0.0, DType.FLOAT64);
  }

  /** An array of ones, float64. */
  public static NdArray ones(long[] shape, long[] chunks) {
    return full(shape, chunks, 1.0, DType.FLOAT64);
  }

  /** An array of {@code value}, float64. */
  public static NdArray full(long[] shape, long[] chunks, double value) {
    return full(shape, chunks, value, DType.FLOAT64);
  }

  /** An array of {@code value} in the given dtype. */
  public static NdArray full(long[] shape, long[] chunks, double value, DType dtype) {
    Chunking c = Chunking.regular(shape, chunks);
    Task[] blocks = new Task[c.blockCount()];
    String group = value == 0 ? "zeros" : value == 1 ? "ones" : "full";
    for (int b = 0; b < blocks.length; b++) {
      blocks[b] = Task.of(group, new Creation.Fill(dtype, c.blockShape(c.coords(b)), value));
    }
    return new NdArray(dtype, c, blocks);
  }

  /** {@code 0, 1, ..., n - 1} as int64, like {@code numpy.arange(n)}. */
  public static NdArray arange(long n, long chunk) {
    return arange(0, n, 1, chunk);
  }

  /** {@code start, start + step, ...} below {@code stop} (above, for a negative step), int64. */
  public static NdArray arange(long start, long stop, long step, long chunk) {
    if (step == 0) {
      throw new IllegalArgumentException("arange step cannot be zero");
    }
    long n = Math.max(0, Gather.ceilDiv(stop - start, step));
    Chunking c = Chunking.regular(new long[] {n}, new long[] {chunk});
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      blocks[b] = Task.of("arange", new Creation.IntRamp(DType.INT64, start, step, c.offset(0, b), c.chunkLength(0, b)));
    }
    return new NdArray(DType.INT64, c, blocks);
  }

  /** {@code start, start + step, ...} below {@code stop}, float64, like {@code numpy.arange(0.0, 1.0, 0.1)}. */
  public static NdArray arange(double start, double stop, double step, long chunk) {
    if (step == 0 || Double.isNaN(step)) {
      throw new IllegalArgumentException("arange step cannot be zero or NaN");
    }
    long n = (long) Math.max(0, Math.ceil((stop - start) / step));
    Chunking c = Chunking.regular(new long[] {n}, new long[] {chunk});
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      blocks[b] = Task.of("arange", new Creation.Ramp(DType.FLOAT64, start, step, c.offset(0, b), c.chunkLength(0, b), false, 0));
    }
    return new NdArray(DType.FLOAT64, c, blocks);
  }

  /** {@code num} evenly spaced values from {@code start} to {@code stop} inclusive, like {@code numpy.linspace}. */
  public static NdArray linspace(double start, double stop, long num, long chunk) {
    if (num < 0) {
      throw new IllegalArgumentException("linspace needs a non-negative number of samples, not " + num);
    }
    double step = num > 1 ? (stop - start) / (num - 1) : 0;
    Chunking c = Chunking.regular(new long[] {num}, new long[] {chunk});
    Task[] blocks = new Task[c.blockCount()];
    for (int b = 0; b < blocks.length; b++) {
      boolean last = num > 1 && b == blocks.length - 1;
      blocks[b] = Task.of("linspace", new Creation.Ramp(DType.FLOAT64, start, step, c.offset(0, b), c.chunkLength(0, b), last, stop));
    }
    return new NdArray(DType.FLOAT64, c, blocks);
  }

  /** An array of the row-major {@code data} with the given shape, float64. */
  public static NdArray fromArray(double[] data, long[] shape, long[] chunks) {
    return JavaArrays.from(DType.FLOAT64, data, data.length, shape, chunks);
  }

  public static NdArray fromArray(float[] data, long[] shape, long[] chunks) {
    return JavaArrays.from(DType.FLOAT32, data, data.length, shape, chunks);
  }

  public static NdArray fromArray(long[] data, long[] shape, long[] chunks) {
    return JavaArrays.from(DType.INT64, data, data.length, shape, chunks);
  }

  public static NdArray fromArray(int[] data, long[] shape, long[] chunks) {
    return JavaArrays.from(DType.INT32, data, data.length, shape, chunks);
  }

  public static NdArray fromArray(boolean[] data, long[] shape, long[] chunks) {
    return JavaArrays.from(DType.BOOL, data, data.length, shape, chunks);
  }

  /**
   * A 1-d array with one chunk per Arrow vector (Float8Vector, Float4Vector, BigIntVector,
   * IntVector or BitVector, without nulls). The values are copied when this is called, so the
   * vectors stay the caller's to close.
   */
  public static NdArray fromArrow(java.util.List<? extends org.apache.arrow.vector.FieldVector> vectors) {
    return ArrowVectors.from(vectors);
  }

  public static NdArray fromArrow(org.apache.arrow.vector.FieldVector... vectors) {
    return ArrowVectors.from(java.util.Arrays.asList(vectors));
  }

  /** Random arrays whose chunks draw from streams of {@code seed}: see {@link RandomArrays}. */
  public static RandomArrays random(long seed) {
    return new RandomArrays(seed);
  }

  // ---------------------------------------------------------------- properties

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return chunking.shape();
  }

  public int ndim() {
    return chunking.ndim();
  }

  /** The number of elements. */
  public long size() {
    return chunking.size();
  }

  /** The chunk lengths along each axis, as Dask's {@code chunks}. */
  public long[][] chunks() {
    return chunking.sizes();
  }

  /** The number of blocks. */
  public int blockCount() {
    return blocks.length;
  }

  Chunking chunking() {
    return chunking;
  }

  Task block(int b) {
    return blocks[b];
  }

  // ---------------------------------------------------------------- computing

  /** Runs the graph and returns the whole array in the heap. */
  public ComputedArray compute() {
    return (ComputedArray) Delayed.fromTask(task()).compute();
  }

  /**
   * Computes the chunks and holds them in this JVM until the returned handle is closed, so that
   * several computations start from them: {@code try (var p = x.persist()) { p.array()... }}.
   */
  public PersistedArray persist() {
    return PersistedArray.of(this);
  }

  /**
   * The task that assembles every block into a {@link ComputedArray}: what computing this array
   * means. Blocks stay separate tasks, so other outputs of the same run share them.
   */
  @Override
  public Task task() {
    Task t = assembled;
    if (t == null) {
      long[][] offsets = new long[blocks.length][];
      for (int b = 0; b < blocks.length; b++) {
        offsets[b] = chunking.blockOffset(chunking.coords(b));
      }
      t = Task.of("finalize", new BlockTasks.Assemble(dtype, chunking.shape(), offsets), (Object[]) blocks);
      assembled = t;
    }
    return t;
  }

  // ---------------------------------------------------------------- elementwise

  public NdArray add(NdArray other) {
    return binary(BinaryOp.ADD, other);
  }

  public NdArray add(double scalar) {
    return binary(BinaryOp.ADD, scalar);
  }

  public NdArray subtract(NdArray other) {
    return binary(BinaryOp.SUBTRACT, other);
  }

  public NdArray subtract(double scalar) {
    return binary(BinaryOp.SUBTRACT, scalar);
  }

  public NdArray multiply(NdArray other) {
    return binary(BinaryOp.MULTIPLY, other);
  }

  public NdArray multiply(double scalar) {
    return binary(BinaryOp.MULTIPLY, scalar);
  }

  /** True division: integers divide to float64, as in NumPy. */
  public NdArray divide(NdArray other) {
    return binary(BinaryOp.DIVIDE, other);
  }

  public NdArray divide(double scalar) {
    return binary(BinaryOp.DIVIDE, scalar);
  }

  public NdArray power(NdArray other) {
    return binary(BinaryOp.POWER, other);
  }

  public NdArray power(double scalar) {
    return binary(BinaryOp.POWER, scalar);
  }

  /** The remainder with the sign of the divisor, as NumPy's {@code mod}. */
  public NdArray mod(NdArray other) {
    return binary(BinaryOp.MOD, other);
  }

  public NdArray mod(double scalar) {
    return binary(BinaryOp.MOD, scalar);
  }

  public NdArray maximum(NdArray other) {
    return binary(BinaryOp.MAXIMUM, other);
  }

  public NdArray minimum(NdArray other) {
    return binary(BinaryOp.MINIMUM, other);
  }

  public NdArray eq(NdArray other) {
    return binary(BinaryOp.EQUAL, other);
  }

  public NdArray eq(double scalar) {
    return binary(BinaryOp.EQUAL, scalar);
  }

  public NdArray ne(NdArray other) {
    return binary(BinaryOp.NOT_EQUAL, other);
  }

  public NdArray ne(double scalar) {
    return binary(BinaryOp.NOT_EQUAL, scalar);
  }

  public NdArray lt(NdArray other) {
    return binary(BinaryOp.LESS, other);
  }

  public NdArray lt(double scalar) {
    return binary(BinaryOp.LESS, scalar);
  }

  public NdArray le(NdArray other) {
    return binary(BinaryOp.LESS_EQUAL, other);
  }

  public NdArray le(double scalar) {
    return binary(BinaryOp.LESS_EQUAL, scalar);
  }

  public NdArray gt(NdArray other) {
    return binary(BinaryOp.GREATER, other);
  }

  public NdArray gt(double scalar) {
    return binary(BinaryOp.GREATER, scalar);
  }

  public NdArray ge(NdArray other) {
    return binary(BinaryOp.GREATER_EQUAL, other);
  }

  public NdArray ge(double scalar) {
    return binary(BinaryOp.GREATER_EQUAL, scalar);
  }

  public NdArray and(NdArray other) {
    return binary(BinaryOp.AND, other);
  }

  public NdArray or(NdArray other) {
    return binary(BinaryOp.OR, other);
  }

  public NdArray xor(NdArray other) {
    return binary(BinaryOp.XOR, other);
  }

  public NdArray negate() {
    return unary(UnaryOp.NEGATIVE);
  }

  public NdArray abs() {
    return unary(UnaryOp.ABS);
  }

  public NdArray square() {
    return unary(UnaryOp.SQUARE);
  }

  public NdArray sign() {
    return unary(UnaryOp.SIGN);
  }

  public NdArray sqrt() {
    return unary(UnaryOp.SQRT);
  }

  public NdArray exp() {
    return unary(UnaryOp.EXP);
  }

  public NdArray expm1() {
    return unary(UnaryOp.EXPM1);
  }

  public NdArray log() {
    return unary(UnaryOp.LOG);
  }

  public NdArray log1p() {
    return unary(UnaryOp.LOG1P);
  }

  public NdArray log10() {
    return unary(UnaryOp.LOG10);
  }

  public NdArray sin() {
    return unary(UnaryOp.SIN);
  }

  public NdArray cos() {
    return unary(UnaryOp.COS);
  }

  public NdArray tan() {
    return unary(UnaryOp.TAN);
  }

  public NdArray tanh() {
    return unary(UnaryOp.TANH);
  }

  public NdArray floor() {
    return unary(UnaryOp.FLOOR);
  }

  public NdArray ceil() {
    return unary(UnaryOp.CEIL);
  }

  /** Rounds to the nearest integer, halves to even, as NumPy's {@code rint}. */
  public NdArray rint() {
    return unary(UnaryOp.RINT);
  }

  public NdArray isnan() {
    return unary(UnaryOp.ISNAN);
  }

  public NdArray not() {
    return unary(UnaryOp.NOT);
  }

  /** {@code cond ? x : y} elementwise, broadcasting all three, as {@code numpy.where}. */
  public static NdArray where(NdArray cond, NdArray x, NdArray y) {
    return whereOf(cond, x, y);
  }

  public static NdArray where(NdArray cond, NdArray x, double y) {
    return whereOf(cond, x, y);
  }

  public static NdArray where(NdArray cond, double x, double y) {
    return whereOf(cond, x, y);
  }

  private static NdArray whereOf(NdArray cond, Object x, Object y) {
    // Scalars promote as in arithmetic (NEP 50): an integral one keeps an integer array's dtype.
    DType out;
    if (x instanceof NdArray a && y instanceof NdArray b) {
      out = DType.promote(a.dtype, b.dtype);
    } else if (x instanceof NdArray a) {
      out = DType.promoteScalar(a.dtype, !integral((Double) y));
    } else if (y instanceof NdArray b) {
      out = DType.promoteScalar(b.dtype, !integral((Double) x));
    } else {
      out = integral((Double) x) && integral((Double) y) ? DType.INT64 : DType.FLOAT64;
    }
    Object xs = x instanceof Double d ? scalarOperand(d, out) : x;
    Object ys = y instanceof Double d ? scalarOperand(d, out) : y;
    int ndim = Broadcast.shape(Broadcast.shape(cond.shape(), shapeOf(x)), shapeOf(y)).length;
    return Blockwise.build("where", new BlockTasks.Where(out, ndim), out, cond, xs, ys);
  }

  private static long[] shapeOf(Object o) {
    return o instanceof NdArray a ? a.shape() : new long[0];
  }

  /** A user's function applied to every element; the result is float64. */
  public NdArray map(DoubleFunction fn) {
    Objects.requireNonNull(fn, "fn");
    return Blockwise.build("map", new BlockTasks.MapDoubles(fn), DType.FLOAT64, this);
  }

  /**
   * A user's function applied to every block, which returns a block of the same shape
   * (float64), as Dask's {@code map_blocks} with the default chunks.
   */
  public NdArray mapBlocks(BlockFunction fn) {
    return blockwise(fn, this);
  }

  /**
   * A user's function of the aligned blocks of several arrays (broadcast as for arithmetic):
   * it gets one {@link Block} per input and returns the output block, float64.
   */
  public static NdArray blockwise(BlockFunction fn, NdArray... inputs) {
    Objects.requireNonNull(fn, "fn");
    if (inputs.length == 0) {
      throw new IllegalArgumentException("blockwise needs at least one input array");
    }
    return Blockwise.build("blockwise", new BlockTasks.UserBlocks(fn), DType.FLOAT64,
        (c, b) -> new Object[] {c.blockShape(c.coords(b)), c.blockOffset(c.coords(b))}, (Object[]) inputs);
  }

  /** A copy converted to {@code dtype} (floating to integer truncates toward zero). */
  public NdArray astype(DType to) {
    if (to == dtype) {
      return this;
    }
    return Blockwise.build("astype", new BlockTasks.Cast(to), to, this);
  }

  private NdArray binary(BinaryOp op, NdArray other) {
    DType out = op.resultType(DType.promote(dtype, other.dtype));
    int ndim = Math.max(ndim(), other.ndim());
    return Blockwise.build(op.group, new BlockTasks.Binary(op, out, ndim), out, this, other);
  }

  /** Whether a Java scalar counts as an integer (a Python int), not a float, for promotion. */
  private static boolean integral(double scalar) {
    return scalar == Math.rint(scalar) && !Double.isInfinite(scalar) && Math.abs(scalar) < 0x1p53;
  }

  /** The scalar as the kernel should see it: a long when it takes part as an integer. */
  private static Object scalarOperand(double scalar, DType promoted) {
    if (integral(scalar) && !promoted.isFloating()) {
      if (promoted == DType.INT32 && (scalar < Integer.MIN_VALUE || scalar > Integer.MAX_VALUE)) {
        throw new IllegalArgumentException("the integer " + (long) scalar
            + " is out of bounds for int32 (NumPy raises OverflowError here); use astype(DType.INT64) first");
      }
      return (long) scalar;
    }
    return scalar;
  }

  private NdArray binary(BinaryOp op, double scalar) {
    boolean integral = integral(scalar);
    DType promoted = DType.promoteScalar(dtype, !integral);
    DType out = op.resultType(promoted);
    return Blockwise.build(op.group, new BlockTasks.Binary(op, out, ndim()), out, this, scalarOperand(scalar, promoted));
  }

  private NdArray unary(UnaryOp op) {
    DType out = op.resultType(dtype);
    return Blockwise.build(op.group, new BlockTasks.Unary(op, out), out, this);
  }

  // ---------------------------------------------------------------- reductions

  public NdArray sum(int... axes) {
    return sum(ReduceOptions.axes(axes));
  }

  public NdArray sum(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.SUM, options);
  }

  public NdArray mean(int... axes) {
    return mean(ReduceOptions.axes(axes));
  }

  public NdArray mean(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.MEAN, options);
  }

  /** The variance with divisor {@code n} ({@code ddof} 0), as NumPy's default. */
  public NdArray var(int... axes) {
    return var(ReduceOptions.axes(axes));
  }

  public NdArray var(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.VAR, options);
  }

  public NdArray std(int... axes) {
    return std(ReduceOptions.axes(axes));
  }

  public NdArray std(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.STD, options);
  }

  public NdArray min(int... axes) {
    return min(ReduceOptions.axes(axes));
  }

  public NdArray min(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.MIN, options);
  }

  public NdArray max(int... axes) {
    return max(ReduceOptions.axes(axes));
  }

  public NdArray max(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.MAX, options);
  }

  /** The flat row-major index of the smallest element (the first one on ties), int64. */
  public NdArray argmin() {
    return TreeReduce.build(this, Reduction.ARGMIN, ReduceOptions.all());
  }

  /** The index along {@code axis} of the smallest element of each lane. */
  public NdArray argmin(int axis) {
    return TreeReduce.build(this, Reduction.ARGMIN, ReduceOptions.axes(axis));
  }

  public NdArray argmin(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.ARGMIN, options);
  }

  public NdArray argmax() {
    return TreeReduce.build(this, Reduction.ARGMAX, ReduceOptions.all());
  }

  public NdArray argmax(int axis) {
    return TreeReduce.build(this, Reduction.ARGMAX, ReduceOptions.axes(axis));
  }

  public NdArray argmax(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.ARGMAX, options);
  }

  public NdArray any(int... axes) {
    return TreeReduce.build(this, Reduction.ANY, ReduceOptions.axes(axes));
  }

  public NdArray any(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.ANY, options);
  }

  public NdArray all(int... axes) {
    return TreeReduce.build(this, Reduction.ALL, ReduceOptions.axes(axes));
  }

  public NdArray all(ReduceOptions options) {
    return TreeReduce.build(this, Reduction.ALL, options);
  }

  // ---------------------------------------------------------------- structure

  /** A selection, one {@link Slice} per leading axis (the others whole), as {@code x[0:10:2, 3]}. */
  public NdArray slice(Slice... slices) {
    return Restructure.slice(this, slices);
  }

  /** The axes reversed. */
  public NdArray transpose() {
    return Restructure.transpose(this);
  }

  /** The axes permuted: axis {@code a} of the result is axis {@code axes[a]} of this array. */
  public NdArray transpose(int... axes) {
    return Restructure.transpose(this, axes);
  }

  /** The same elements in row-major order under a new shape; one dimension may be -1. */
  public NdArray reshape(long... shape) {
    return Restructure.reshape(this, shape);
  }

  /** The same array cut into regular chunks of {@code chunks} (-1: the whole axis). */
  public NdArray rechunk(long... chunks) {
    return Restructure.rechunk(this, Chunking.regular(shape(), chunks));
  }

  /** Arrays joined along an existing axis. */
  public static NdArray concatenate(int axis, NdArray... arrays) {
    return Restructure.concatenate(axis, arrays);
  }

  /** Arrays of one shape stacked along a new axis. */
  public static NdArray stack(int axis, NdArray... arrays) {
    NdArray[] expanded = new NdArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      if (i > 0 && !Arrays.equals(arrays[i].shape(), arrays[0].shape())) {
        throw new IllegalArgumentException("all input arrays must have the same shape; got "
            + Arrays.toString(arrays[0].shape()) + " and " + Arrays.toString(arrays[i].shape()));
      }
      expanded[i] = Restructure.expandDims(arrays[i], axis);
    }
    return Restructure.concatenate(axis, expanded);
  }

  /**
   * The matrix product, as NumPy's {@code x @ other} for 1-d and 2-d operands: m x k @ k x n is
   * m x n, and a vector operand loses its axis in the result (vector @ vector is 0-d). Integers
   * multiply exactly in int64; floating inputs give float64 (float32 @ float32 gives float32).
   * See {@link Matmul} for the graph.
   */
  public NdArray matmul(NdArray other) {
    return Matmul.build(this, other);
  }

  // ---------------------------------------------------------------- storage

  /**
   * Computes this array and writes it to the directory {@code path} (which must not exist, or be
   * empty): one Arrow IPC file per chunk and a {@code metadata.json} with the dtype, shape,
   * chunks and a CRC32C per chunk. Chunks are written by the tasks that make them, so an array
   * larger than memory is stored with bounded memory.
   */
  public void store(java.nio.file.Path path) {
    Storage.store(this, path);
  }

  /**
   * A lazy array over a directory written by {@link #store}: each chunk file is memory-mapped
   * when a task needs it (no copy) and unmapped when released. A chunk that is missing,
   * truncated or damaged fails the computation with an error naming the file and the chunk.
   */
  public static NdArray open(java.nio.file.Path path) {
    return Storage.open(path);
  }

  /**
   * A lazy array over a NumPy {@code .npy} file (C order; float64, float32, int64, int32 or
   * bool), memory-mapped, cut into {@code chunks} (none: one chunk). Blocks that are contiguous
   * in the file are the mapping itself.
   */
  public static NdArray fromNpy(java.nio.file.Path path, long... chunks) {
    return Storage.fromNpy(path, chunks);
  }

  /** Computes this array and writes it as a NumPy {@code .npy} file, block by block. */
  public void toNpy(java.nio.file.Path path) {
    Storage.toNpy(this, path);
  }

  @Override
  public String toString() {
    return "NdArray[" + dtype.numpyName() + " " + Arrays.toString(shape()) + ", chunks "
        + Arrays.toString(chunking.maxChunkShape()) + ", " + blocks.length + " blocks]";
  }
}
