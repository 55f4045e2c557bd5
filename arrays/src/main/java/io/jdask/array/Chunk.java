package io.jdask.array;

import io.jdask.graph.Releasable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p><b>Spilling.</b> A chunk allocated here may be <em>spilled</em> when {@link ArrayMemory}
 * needs room: its bytes go to an Arrow IPC file in the spill directory and its buffer is freed.
 * Tasks read their input chunks only while they hold a <em>pin</em> ({@link ChunkFunction} pins
 * every chunk argument around the kernel): a pinned chunk is never spilled, and pinning a
 * spilled chunk maps its file back (zero-copy; the pages belong to the page cache, not to the
 * memory limit) until the last pin is dropped. So {@link #address()} is valid while pinned, and
 * for the task that is still writing a chunk it has just allocated.
 *
 * <p>Element access is by flat row-major index, through {@link MemoryUtil} with no bounds check:
 * kernels are written against {@link #size()}. State changes are synchronized on the chunk, so a
 * peer that serializes a chunk while the scheduler releases it gets an error, never freed memory.
 */
final class Chunk implements Releasable, Serializable {
  private static final long serialVersionUID = 1L;

  private final DType dtype;
  private final long[] shape;
  private final long size;
  private final boolean spillable; // allocated from ArrayMemory (not a mapped file of the user's)
  private long address;
  private AutoCloseable memory; // the buffer or mapping; null when spilled or released
  private Path spillFile; // where the bytes are while spilled
  private int pins;
  private boolean released;

  private Chunk(DType dtype, long[] shape, long address, AutoCloseable memory, boolean spillable) {
    this.dtype = dtype;
    this.shape = shape;
    this.size = product(shape);
    this.address = address;
    this.memory = memory;
    this.spillable = spillable;
  }

  /** A new chunk of uninitialised memory from this JVM's {@link ArrayMemory}. */
  static Chunk allocate(DType dtype, long[] shape) {
    long bytes = product(shape) * dtype.byteWidth();
    ArrowBuf buf = ArrayMemory.allocate(bytes);
    return new Chunk(dtype, shape.clone(), buf.memoryAddress(), buf, true);
  }

  /** A chunk over memory someone else allocated (a mapped file); closing {@code owner} frees it. */
  static Chunk wrap(DType dtype, long[] shape, long address, AutoCloseable owner) {
    return new Chunk(dtype, shape.clone(), address, owner, false);
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

  /** The first byte: valid while pinned (or while the task that allocated it writes it). */
  long address() {
    return address;
  }

  /** Makes the memory readable until {@link #unpin()}: maps a spilled chunk back. */
  synchronized void pin() {
    if (released) {
      throw new IllegalStateException("a released chunk was read: " + this);
    }
    if (memory == null) {
      try {
        MappedChunk m = ChunkFile.map(spillFile, dtype, size, spillFile.getFileName().toString());
        memory = m;
        address = m.address();
      } catch (IOException e) {
        throw new UncheckedIOException("could not read back the spilled chunk " + spillFile, e);
      }
    }
    if (pins++ == 0 && spillable) {
      ArrayMemory.unmarkSpillable(this);
    }
  }

  synchronized void unpin() {
    if (--pins > 0 || released) {
      return;
    }
    if (spillFile != null) {
      closeMemory(); // unmap: a spilled chunk's pages should not stay in this process
    } else if (spillable) {
      ArrayMemory.markSpillable(this);
    }
  }

  /**
   * Writes the chunk to {@code file} and frees its buffer, unless it is pinned, released or
   * already spilled. Returns the bytes freed.
   */
  synchronized long spill(Path file) {
    if (pins > 0 || released || spillFile != null || memory == null || !spillable) {
      return 0;
    }
    try {
      ChunkFile.write(file, dtype, address, size);
    } catch (IOException e) {
      throw new UncheckedIOException("could not spill a chunk of " + byteLength() + " bytes to " + file, e);
    }
    spillFile = file;
    closeMemory();
    return byteLength();
  }

  /** Whether this chunk's memory came from {@link ArrayMemory} (and so may be spilled). */
  boolean isSpillable() {
    return spillable;
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

  /** Copies one element of {@code width} bytes between raw addresses (the kernels' moves). */
  static void copyElement(long from, long to, int width) {
    switch (width) {
      case 8 -> MemoryUtil.putLong(to, MemoryUtil.getLong(from));
      case 4 -> MemoryUtil.putInt(to, MemoryUtil.getInt(from));
      default -> MemoryUtil.putByte(to, MemoryUtil.getByte(from));
    }
  }

  @Override
  public void release() {
    Path file;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      file = spillFile;
      closeMemory();
    }
    if (spillable) {
      ArrayMemory.unmarkSpillable(this);
      ArrayMemory.freed();
    }
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete the spill file " + file, e);
      }
    }
  }

  private void closeMemory() {
    AutoCloseable m = memory;
    memory = null;
    address = 0;
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
    long bytes = byteLength();
    if (bytes > Integer.MAX_VALUE - 64) {
      throw new IllegalStateException("a chunk of " + bytes + " bytes is too large to send; use smaller chunks");
    }
    pin();
    try {
      byte[] data = new byte[(int) bytes];
      MemoryUtil.copyFromMemory(address, data, 0, bytes);
      return new Wire(dtype, shape, data);
    } finally {
      unpin();
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
      ArrayMemory.markSpillable(c);
      return c;
    }
  }
}
