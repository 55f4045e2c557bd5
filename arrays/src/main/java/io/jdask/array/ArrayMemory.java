package io.jdask.array;

import io.jdask.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
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
 * assert exactly that. The default is also held below the JVM's cap on direct memory
 * ({@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap), since Arrow's buffers are
 * direct memory: to give arrays more, raise both. Memory-mapped chunks (opened from files) are not allocated here: their
 * pages belong to the operating system's page cache.
 *
 * <p><b>Spilling.</b> When an allocation would pass the limit, finished chunks that no task is
 * reading are spilled, oldest first, to Arrow IPC files in the spill directory until it fits
 * (see {@link Chunk}); only when nothing is left to spill does the allocation fail, with the
 * limit named. The spill directory is {@value #SPILL_DIR_KEY} if set, else
 * {@code processes.local-directory} (where the processes scheduler puts worker scratch), else a
 * {@code jdask-spill-<pid>} directory under {@code java.io.tmpdir}; this JVM deletes what it
 * spilled when the chunks are released.
 */
public final class ArrayMemory {
  /** The configuration key of the per-JVM limit on chunk memory. */
  public static final String LIMIT_KEY = "array.memory-limit";
  /** The configuration key of the directory spilled chunks go to. */
  public static final String SPILL_DIR_KEY = "array.spill-directory";

  private static volatile RootAllocator root;
  /** Finished chunks no task is reading, oldest first: what may be spilled. Guarded by itself. */
  private static final LinkedHashSet<Chunk> SPILLABLE = new LinkedHashSet<>();
  private static final AtomicLong SPILLED_BYTES = new AtomicLong();
  private static final AtomicLong SPILL_COUNTER = new AtomicLong();
  private static final AtomicLong PEAK = new AtomicLong();
  /** How long a refused allocation waits for running tasks to free memory: they usually end in ms. */
  private static final long WAIT_NANOS = 2_000_000_000L;
  /** Spills being written by any thread now. Guarded by {@link #SPILLABLE}. */
  private static int spillsRunning;
  private static volatile Path spillDirectory;

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

  /**
   * Allocates a buffer for a chunk, spilling finished chunks first if it would not fit; fails
   * with the limit and what is held when nothing is left to spill and running tasks free nothing
   * within {@link #WAIT_NANOS}.
   */
  static ArrowBuf allocate(long bytes) {
    BufferAllocator a = allocator();
    long rounded = a.getRoundingPolicy().getRoundedSize(Math.max(bytes, 1));
    // Checking for room and allocating are two steps, and another thread may allocate between
    // them; and when nothing is left to spill, the chunks that running tasks hold are freed as
    // soon as those tasks end. So a refused allocation waits for memory to be freed or become
    // spillable, for up to WAIT_NANOS, before it fails (at once if the chunk can never fit).
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (true) {
      makeRoom(a, rounded);
      try {
        ArrowBuf buf = a.buffer(Math.max(bytes, 1));
        PEAK.accumulateAndGet(a.getAllocatedMemory(), Math::max);
        return buf;
      } catch (OutOfMemoryException e) {
        if (rounded > a.getLimit() || System.nanoTime() > deadline || !awaitChange()) {
          throw new OutOfMemoryException(String.format(Locale.ROOT,
              "jdask arrays: a chunk of %,d bytes does not fit in the memory limit of %,d bytes "
                  + "(%,d held); raise '%s' or use smaller chunks",
              bytes, a.getLimit(), a.getAllocatedMemory(), LIMIT_KEY));
        }
      }
    }
  }

  /** Waits until a chunk is freed or becomes spillable (or briefly); false if interrupted. */
  private static boolean awaitChange() {
    synchronized (SPILLABLE) {
      try {
        SPILLABLE.wait(20);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * Spills finished chunks, oldest first, until {@code bytes} more fit under the limit or nothing
   * is left to spill (and no other thread is spilling).
   */
  private static void makeRoom(BufferAllocator a, long bytes) {
    while (a.getAllocatedMemory() + bytes > a.getLimit()) {
      Chunk victim;
      synchronized (SPILLABLE) {
        Iterator<Chunk> it = SPILLABLE.iterator();
        if (!it.hasNext()) {
          if (spillsRunning == 0) {
            return; // nothing left to spill, and nobody is freeing memory
          }
          // Another thread is writing a chunk out; what it frees may be what this one needs.
          try {
            SPILLABLE.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          continue;
        }
        victim = it.next();
        it.remove();
        spillsRunning++;
      }
      try {
        long freed = victim.spill(spillDirectory().resolve("spill-" + SPILL_COUNTER.incrementAndGet() + ".arrow"));
        SPILLED_BYTES.addAndGet(freed);
      } finally {
        synchronized (SPILLABLE) {
          spillsRunning--;
          SPILLABLE.notifyAll();
        }
      }
    }
  }

  /** Offers a finished chunk, read by no task, for spilling. */
  static void markSpillable(Chunk c) {
    synchronized (SPILLABLE) {
      SPILLABLE.add(c);
      SPILLABLE.notifyAll();
    }
  }

  /** Wakes allocations waiting for memory: a chunk was freed. */
  static void freed() {
    synchronized (SPILLABLE) {
      SPILLABLE.notifyAll();
    }
  }

  /** Withdraws a chunk that a task is reading (or that was released) from spilling. */
  static void unmarkSpillable(Chunk c) {
    synchronized (SPILLABLE) {
      SPILLABLE.remove(c);
    }
  }

  /** Bytes of chunks spilled to disk in this JVM since it started. */
  public static long spilledBytes() {
    return SPILLED_BYTES.get();
  }

  private static Path spillDirectory() {
    Path d = spillDirectory;
    if (d == null) {
      synchronized (ArrayMemory.class) {
        d = spillDirectory;
        if (d == null) {
          Path base = Config.get(SPILL_DIR_KEY)
              .or(() -> Config.get("local-directory")) // what a worker JVM is told
              .or(() -> Config.get("processes.local-directory"))
              .map(Path::of)
              .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
          d = base.resolve("jdask-spill-" + ProcessHandle.current().pid());
          try {
            Files.createDirectories(d);
          } catch (IOException e) {
            throw new UncheckedIOException("could not create the spill directory " + d + "; set '" + SPILL_DIR_KEY + "'", e);
          }
          d.toFile().deleteOnExit(); // empty by then: every spill file goes with its chunk
          spillDirectory = d;
        }
      }
    }
    return d;
  }

  /** Bytes of chunk memory held in this JVM now. */
  public static long allocatedBytes() {
    RootAllocator r = root;
    return r == null ? 0L : r.getAllocatedMemory();
  }

  /** The most chunk memory held at once in this JVM since it started or since {@link #resetPeakBytes()}. */
  public static long peakBytes() {
    return PEAK.get();
  }

  /** Starts measuring {@link #peakBytes()} afresh from what is held now (for tests and benchmarks). */
  public static void resetPeakBytes() {
    PEAK.set(allocatedBytes());
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
    long physical = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize() / 2 : Long.MAX_VALUE;
    // A tenth of the direct-memory cap stays free for what else uses direct buffers (NIO, Netty).
    return Math.min(physical, maxDirectMemory() / 10 * 9);
  }

  /** The JVM's cap on direct memory: -XX:MaxDirectMemorySize, or else the maximum heap. */
  static long maxDirectMemory() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
        return parseBytes(arg.substring(arg.indexOf('=') + 1));
      }
    }
    return Runtime.getRuntime().maxMemory();
  }
}
