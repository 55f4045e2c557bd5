package io.jdask.array;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * A read-only memory mapping of part of a file, unmapped deterministically by {@link #close()}.
 *
 * <p>Chunk files ({@link ChunkFile}) and the data of {@code .npy} files ({@link NpyFormat}) are
 * both read through this one class, so that kernels see raw native memory at {@link #address()}
 * without a copy into the Java heap or an Arrow allocator.
 *
 * <p>Why explicit unmapping: a {@link MappedByteBuffer} is otherwise unmapped only when the
 * garbage collector finds it unreachable, which may be never on a large heap, so a long-running
 * worker that maps many chunks would exhaust address space and keep deleted files' disk blocks
 * alive. JDK 17 has no public unmap; {@code sun.misc.Unsafe.invokeCleaner} (in the
 * {@code jdk.unsupported} module, which opens {@code sun.misc} to reflection, and still present
 * in JDK 25) does it. After {@code close()} the memory is gone: {@link #address()} throws rather
 * than hand out an address whose use would crash the JVM; callers must not keep an address they
 * read earlier.
 *
 * <p>Not thread-safe for close concurrent with reads: the owner closes when its readers are done.
 */
final class MappedChunk implements AutoCloseable {

  /** {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)} bound to the Unsafe instance. */
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  private final Path file;
  private final long byteLength;
  private final long address;
  /** Held so that the garbage collector cannot unmap the region while it is in use. */
  private MappedByteBuffer mapping;

  private MappedChunk(Path file, MappedByteBuffer mapping, long address, long byteLength) {
    this.file = file;
    this.mapping = mapping;
    this.address = address;
    this.byteLength = byteLength;
  }

  /**
   * Maps {@code length} bytes of {@code channel} from {@code position}. Callers have checked the
   * range against the file's size; a mapping is a {@link ByteBuffer}, hence the 2 GiB limit.
   */
  static MappedByteBuffer mapReadOnly(FileChannel channel, Path file, long position, long length)
      throws IOException {
    if (length > Integer.MAX_VALUE) {
      throw new IOException(
          file + ": cannot map " + length + " bytes; mapped regions above 2 GiB (2^31-1 bytes)"
              + " are not supported, write smaller chunks");
    }
    return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
  }

  /**
   * Takes ownership of {@code mapping}: the region's {@code byteLength} bytes start
   * {@code offsetInMapping} bytes into it.
   */
  static MappedChunk of(Path file, MappedByteBuffer mapping, long offsetInMapping, long byteLength) {
    long base = mapping.capacity() == 0 ? 0 : MemoryUtil.getByteBufferAddress(mapping);
    return new MappedChunk(file, mapping, base + offsetInMapping, byteLength);
  }

  /** Unmaps {@code mapping} now; used by owners and on error paths before ownership passes. */
  static void unmap(MappedByteBuffer mapping) {
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) mapping);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cannot unmap a mapped file", t);
    }
  }

  /** The native address of the first byte; valid only until {@link #close()}. */
  long address() {
    checkOpen();
    return address;
  }

  long byteLength() {
    return byteLength;
  }

  /** Unmaps the region; further calls do nothing. */
  @Override
  public void close() {
    MappedByteBuffer m = mapping;
    if (m != null) {
      mapping = null;
      unmap(m);
    }
  }

  private void checkOpen() {
    if (mapping == null) {
      throw new IllegalStateException(file + " has been unmapped");
    }
  }

  private static MethodHandle findInvokeCleaner() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      Object unsafe = theUnsafe.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(
          "sun.misc.Unsafe.invokeCleaner is not available (module jdk.unsupported missing?): " + e);
    }
  }
}
