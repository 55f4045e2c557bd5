package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.array.ArrayMemory;
import io.jdask.array.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The out-of-core sum: a {@value #VALUES}-element float64 array (8 GB) stored on disk, summed on
 * THREADS(2) with a 1 GB chunk-memory limit, against a plain sequential read of the same chunk
 * files ({@code FileChannel.read} into a 4 MB direct buffer, one file after the other): jdask's
 * GB/s should be at least 80% of the plain read's. While the sum runs, a sampler reads the
 * process's resident set from {@code /proc/self/status}; the peak is written to
 * {@link #RSS_FILE} for {@link BenchRunner} (target: at most 1.5 GB).
 *
 * <p>Setup draws and stores the array (tens of seconds) and teardown deletes it. The machine's
 * page cache holds 8 GB when it has the memory, so on a large machine both figures measure
 * mapped page-cache reads rather than the disk. Run: {@code bin/jdask bench OutOfCore}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OutOfCoreBenchmark {
  static final long VALUES = 1_000_000_000L;
  static final long BYTES = VALUES * 8;
  static final long CHUNK = 8_000_000L;
  static final long LIMIT = 1L << 30;
  static final Path RSS_FILE = Path.of(System.getProperty("java.io.tmpdir"), "jdask-bench-outofcore-rss.txt");

  private Config.Scope scope;
  private Path dir;
  private NdArray sum;
  private List<Path> files;
  private volatile boolean sampling;
  private Thread sampler;
  private volatile long peakRss;
  private boolean measuringJdask;

  @Setup
  public void setUp(BenchmarkParams params) throws IOException {
    measuringJdask = params.getBenchmark().endsWith(".jdaskSum");
    scope = Config.with(Scheduler.THREADS, 2);
    ArrayMemory.setLimitBytes(LIMIT);
    dir = Files.createTempDirectory("jdask-bench-outofcore");
    Files.delete(dir); // store() wants to create it
    NdArray.random(7).uniform(new long[] {VALUES}, new long[] {CHUNK}).store(dir);
    sum = NdArray.open(dir).sum();
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    scope.close();
    Jdask.shutdown();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Setup(Level.Iteration)
  public void startSampling() {
    ArrayMemory.resetPeakBytes();
    sampling = true;
    sampler = new Thread(() -> {
      while (sampling) {
        peakRss = Math.max(peakRss, residentBytes());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  @TearDown(Level.Iteration)
  public void stopSampling() throws InterruptedException, IOException {
    sampling = false;
    sampler.join();
    if (measuringJdask) {
      Files.writeString(RSS_FILE, peakRss + " " + ArrayMemory.peakBytes() + "\n");
    }
  }

  @Benchmark
  public double jdaskSum() {
    return sum.compute().doubleValue();
  }

  @Benchmark
  public long plainRead() throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
    long total = 0;
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        int n;
        while ((n = ch.read(buf)) >= 0) {
          total += n;
          buf.clear();
        }
      }
    }
    return total;
  }

  /** VmRSS of this process, in bytes. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
