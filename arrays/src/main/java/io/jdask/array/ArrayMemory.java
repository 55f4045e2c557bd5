package io.jdask.array;

import io.jdask.Config;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Arrow memory of array chunks in this JVM: one {@link RootAllocator} per process (a client,
 * or a worker JVM of the processes scheduler), with a limit.
 *
 * <p>The limit comes from the configuration key {@value #LIMIT_KEY} (bytes, or with a suffix
 * such as {@code 256MB} or {@code 1GiB}), read when the first chunk is allocated; by default it
 * is half of the machine's physical memory. Every chunk buffer is allocated here and freed when
 * its chunk is released, so {@link #allocatedBytes()} is zero between computations and tests
 * assert exactly that. Memory-mapped chunks (opened from files) are not allocated here: their
 * pages belong to the operating system's page cache.
 */
public final class ArrayMemory {
  /** The configuration key of the per-JVM limit on chunk memory. */
  public static final String LIMIT_KEY = "array.memory-limit";

  private static volatile RootAllocator root;

  private ArrayMemory() {}

  static BufferAllocator allocator() {
    RootAllocator r = root;
    if (r == null) {
      synchronized (ArrayMemory.class) {
        r = root;
        if (r == null) {
          long limit = Config.get(LIMIT_KEY).map(ArrayMemory::parseBytes).orElseGet(ArrayMemory::defaultLimit);
          root = r = new RootAllocator(limit);
        }
      }
    }
    return r;
  }

  /** Allocates a buffer for a chunk; fails with the limit and what is held when it is reached. */
  static ArrowBuf allocate(long bytes) {
    BufferAllocator a = allocator();
    try {
      return a.buffer(Math.max(bytes, 1));
    } catch (OutOfMemoryException e) {
      throw new OutOfMemoryException(String.format(Locale.ROOT,
          "jdask arrays: a chunk of %,d bytes does not fit in the memory limit of %,d bytes "
              + "(%,d held); raise '%s' or use smaller chunks",
          bytes, a.getLimit(), a.getAllocatedMemory(), LIMIT_KEY));
    }
  }

  /** Bytes of chunk memory held in this JVM now. */
  public static long allocatedBytes() {
    RootAllocator r = root;
    return r == null ? 0L : r.getAllocatedMemory();
  }

  /** The most chunk memory held at once in this JVM since it started (or since the last reset). */
  public static long peakBytes() {
    RootAllocator r = root;
    return r == null ? 0L : r.getPeakMemoryAllocation();
  }

  /** The limit on chunk memory in this JVM. */
  public static long limitBytes() {
    return allocator().getLimit();
  }

  /**
   * Sets the limit of this JVM's chunk memory from now on (what {@value #LIMIT_KEY} sets at
   * start), for example before an out-of-core computation.
   */
  public static void setLimitBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("the memory limit must be positive, not " + bytes);
    }
    allocator().setLimit(bytes);
  }

  /** Parses {@code 1048576}, {@code 256MB}, {@code 1.5GiB} (K, M, G, T; B and iB optional). */
  static long parseBytes(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "").trim();
    long unit = 1;
    if (!t.isEmpty()) {
      char last = t.charAt(t.length() - 1);
      int shift = switch (last) {
        case 'K' -> 10;
        case 'M' -> 20;
        case 'G' -> 30;
        case 'T' -> 40;
        default -> 0;
      };
      if (shift > 0) {
        unit = 1L << shift;
        t = t.substring(0, t.length() - 1).trim();
      }
    }
    try {
      double v = Double.parseDouble(t);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + LIMIT_KEY + "' must be a positive size such as 268435456, 256MB or 1GiB, not '" + text + "'");
    }
  }

  private static long defaultLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / 2;
    }
    return Long.MAX_VALUE;
  }
}
