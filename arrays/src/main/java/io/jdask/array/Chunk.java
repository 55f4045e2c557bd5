package io.jdask.array;

import io.jdask.graph.Releasable;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * One block of an array, computed: a contiguous row-major little-endian buffer of {@code size}
 * elements of one dtype, outside the Java heap.
 *
 * <p><b>Ownership.</b> A chunk owns its memory: an {@link ArrowBuf} from {@link ArrayMemory}, or a
 * memory-mapped file region. It is the result of exactly one task; the backend that holds it
 * calls {@link #release()} when the last task that reads it has finished ({@link Releasable}),
 * which frees the buffer or unmaps the file there and then. Kernels only read their inputs and
 * always write a new chunk, so no two chunks share memory.
 *
 * <p><b>Between JVMs</b> a chunk travels as its bytes (a serialization proxy) and arrives as a new
 * chunk allocated in the receiving JVM's {@link ArrayMemory}.
 *
 * <p>Element access is by flat row-major index, through {@link MemoryUtil} with no bounds check:
 * kernels are written against {@link #size()}. Release and serialization are synchronized, so a
 * peer that serializes a chunk while the scheduler releases it gets an error, never freed memory.
 */
final class Chunk implements Releasable, Serializable {
  private static final long serialVersionUID = 1L;

  private final DType dtype;
  private final long[] shape;
  private final long size;
  private final long address;
  private AutoCloseable memory; // null once released

  private Chunk(DType dtype, long[] shape, long address, AutoCloseable memory) {
    this.dtype = dtype;
    this.shape = shape;
    this.size = product(shape);
    this.address = address;
    this.memory = memory;
  }

  /** A new chunk of uninitialised memory from this JVM's {@link ArrayMemory}. */
  static Chunk allocate(DType dtype, long[] shape) {
    long bytes = product(shape) * dtype.byteWidth();
    ArrowBuf buf = ArrayMemory.allocate(bytes);
    return new Chunk(dtype, shape.clone(), buf.memoryAddress(), buf);
  }

  /** A chunk over memory someone else allocated (a mapped file); closing {@code owner} frees it. */
  static Chunk wrap(DType dtype, long[] shape, long address, AutoCloseable owner) {
    return new Chunk(dtype, shape.clone(), address, owner);
  }

  static long product(long[] shape) {
    long p = 1;
    for (long d : shape) {
      p = Math.multiplyExact(p, d);
    }
    return p;
  }

  DType dtype() {
    return dtype;
  }

  long[] shape() {
    return shape.clone();
  }

  int ndim() {
    return shape.length;
  }

  long dim(int axis) {
    return shape[axis];
  }

  long size() {
    return size;
  }

  long byteLength() {
    return size * dtype.byteWidth();
  }

  long address() {
    return address;
  }

  /** Element {@code i} as a double, whatever the dtype. */
  double getDouble(long i) {
    return switch (dtype) {
      case FLOAT64 -> Double.longBitsToDouble(MemoryUtil.getLong(address + (i << 3)));
      case FLOAT32 -> Float.intBitsToFloat(MemoryUtil.getInt(address + (i << 2)));
      case INT64 -> MemoryUtil.getLong(address + (i << 3));
      case INT32 -> MemoryUtil.getInt(address + (i << 2));
      case BOOL -> MemoryUtil.getByte(address + i);
    };
  }

  /** Element {@code i} as a long (floating values are truncated toward zero). */
  long getLong(long i) {
    return switch (dtype) {
      case INT64 -> MemoryUtil.getLong(address + (i << 3));
      case INT32 -> MemoryUtil.getInt(address + (i << 2));
      case BOOL -> MemoryUtil.getByte(address + i);
      default -> (long) getDouble(i);
    };
  }

  boolean getBoolean(long i) {
    return dtype == DType.BOOL ? MemoryUtil.getByte(address + i) != 0 : getDouble(i) != 0;
  }

  /** Stores {@code v} at {@code i}, converted to the dtype as a NumPy cast would. */
  void setDouble(long i, double v) {
    switch (dtype) {
      case FLOAT64 -> MemoryUtil.putLong(address + (i << 3), Double.doubleToRawLongBits(v));
      case FLOAT32 -> MemoryUtil.putInt(address + (i << 2), Float.floatToRawIntBits((float) v));
      case INT64 -> MemoryUtil.putLong(address + (i << 3), (long) v);
      case INT32 -> MemoryUtil.putInt(address + (i << 2), (int) (long) v);
      case BOOL -> MemoryUtil.putByte(address + i, (byte) (v != 0 ? 1 : 0));
    }
  }

  void setLong(long i, long v) {
    switch (dtype) {
      case INT64 -> MemoryUtil.putLong(address + (i << 3), v);
      case INT32 -> MemoryUtil.putInt(address + (i << 2), (int) v);
      case BOOL -> MemoryUtil.putByte(address + i, (byte) (v != 0 ? 1 : 0));
      default -> setDouble(i, v);
    }
  }

  void setBoolean(long i, boolean v) {
    setLong(i, v ? 1 : 0);
  }

  /** A copy of this chunk in this JVM's {@link ArrayMemory}, e.g. to own what was mapped. */
  Chunk copy() {
    Chunk c = allocate(dtype, shape);
    MemoryUtil.copyMemory(address, c.address, byteLength());
    return c;
  }

  boolean released() {
    synchronized (this) {
      return memory == null;
    }
  }

  @Override
  public void release() {
    AutoCloseable m;
    synchronized (this) {
      m = memory;
      memory = null;
    }
    if (m != null) {
      try {
        m.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not free a chunk of " + byteLength() + " bytes", e);
      }
    }
  }

  @Override
  public String toString() {
    return "Chunk[" + dtype.numpyName() + " " + Arrays.toString(shape) + "]";
  }

  private Object writeReplace() {
    synchronized (this) {
      if (memory == null) {
        throw new IllegalStateException("a released chunk cannot be sent: " + this);
      }
      long bytes = byteLength();
      if (bytes > Integer.MAX_VALUE - 64) {
        throw new IllegalStateException("a chunk of " + bytes + " bytes is too large to send; use smaller chunks");
      }
      byte[] data = new byte[(int) bytes];
      MemoryUtil.copyFromMemory(address, data, 0, bytes);
      return new Wire(dtype, shape, data);
    }
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a chunk arrives through its serialization proxy");
  }

  /** The serialized form of a chunk: dtype, shape and bytes. */
  private record Wire(DType dtype, long[] shape, byte[] data) implements Serializable {
    private Object readResolve() throws InvalidObjectException {
      if (product(shape) * dtype.byteWidth() != data.length) {
        throw new InvalidObjectException("chunk bytes do not match its shape " + Arrays.toString(shape));
      }
      Chunk c = allocate(dtype, shape);
      MemoryUtil.copyToMemory(data, 0, c.address, data.length);
      return c;
    }
  }
}
