package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jdask.Config;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import io.jdask.TaskFailedException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest extends ArrayTestSupport {
  private static final long[] S = {9, 13, 5};
  private static final long[] C = {4, 5, 3};

  @TempDir Path tmp;

  @AfterAll
  static void stopWorkers() {
    Jdask.shutdown();
  }

  private static NdArray of(DType dtype, long seed) {
    return NdArray.fromArray(Ref.randomData(seed, S), S, C).multiply(10).astype(dtype);
  }

  @Test
  void storeAndOpenRoundTripEveryDtypeByMappingTheFiles() throws IOException {
    for (DType dtype : DType.values()) {
      NdArray x = dtype == DType.BOOL ? of(DType.FLOAT64, 1).gt(0) : of(dtype, 1);
      Path dir = tmp.resolve(dtype.numpyName());
      x.store(dir);
      assertTrue(Files.isRegularFile(dir.resolve("metadata.json")));
      assertTrue(Files.isRegularFile(dir.resolve("c2.1.1.arrow")));
      NdArray y = NdArray.open(dir);
      assertEquals(dtype, y.dtype());
      assertArrayEquals(x.chunks()[1], y.chunks()[1]);
      assertArrayEquals(x.compute().toDoubleArray(), y.compute().toDoubleArray(), dtype.toString());
    }
    // reading maps the files: summing the opened array allocates only the small partial results
    NdArray y = NdArray.open(tmp.resolve("float64"));
    ArrayMemory.resetPeakBytes();
    assertEquals(of(DType.FLOAT64, 1).sum().compute().doubleValue(), y.sum().compute().doubleValue(), 1e-9);
    assertTrue(ArrayMemory.peakBytes() < 64 * 1024, "peak chunk memory " + ArrayMemory.peakBytes());
  }

  @Test
  void damagedMissingAndTruncatedChunksFailNamingFileAndChunk() throws IOException {
    Path dir = tmp.resolve("a");
    of(DType.FLOAT64, 2).store(dir);
    Path f = dir.resolve("c1.2.0.arrow");
    byte[] original = Files.readAllBytes(f);
    // one flipped byte in the data: structure is intact, the checksum is not
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      long at = original.length / 2;
      raf.seek(at);
      raf.write(original[(int) at] ^ 0x10);
    }
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> NdArray.open(dir).sum().compute());
    assertTrue(e.getCause().getMessage().contains("c1.2.0.arrow"), e.getCause().getMessage());
    assertTrue(e.getCause().getMessage().contains("chunk (1, 2, 0)"), e.getCause().getMessage());
    try (Config.Scope s = Config.with(Scheduler.SYNC)) {
      Files.write(f, java.util.Arrays.copyOf(original, original.length - 9));
      TaskFailedException t = assertThrows(TaskFailedException.class, () -> NdArray.open(dir).max().compute());
      assertTrue(t.getCause().getMessage().contains("c1.2.0.arrow"), t.getCause().getMessage());
      Files.delete(f);
      TaskFailedException m = assertThrows(TaskFailedException.class, () -> NdArray.open(dir).max().compute());
      assertTrue(m.getCause().getMessage().contains("c1.2.0.arrow"), m.getCause().getMessage());
    }
    // the other chunks still read fine
    assertEquals(of(DType.FLOAT64, 2).slice(Slice.range(0, 4)).sum().compute().doubleValue(),
        NdArray.open(dir).slice(Slice.range(0, 4)).sum().compute().doubleValue(), 1e-9);
    // a non-empty directory is never overwritten
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> of(DType.FLOAT64, 3).store(dir));
    assertTrue(x.getMessage().contains("already exists"), x.getMessage());
    assertThrows(java.io.UncheckedIOException.class, () -> NdArray.open(tmp.resolve("nothing-here")));
  }

  @Test
  void npyFilesRoundTripContiguousOrNot() throws IOException {
    NdArray x = of(DType.FLOAT64, 4);
    Path f = tmp.resolve("x.npy");
    x.toNpy(f);
    long dataBytes = x.size() * 8;
    assertEquals(0, (Files.size(f) - dataBytes) % 64, "the header is padded to 64 bytes as NumPy pads it");
    double[] expected = x.compute().toDoubleArray();
    assertArrayEquals(expected, NdArray.fromNpy(f).compute().toDoubleArray());
    assertArrayEquals(expected, NdArray.fromNpy(f, 4, 13, 5).compute().toDoubleArray(), "contiguous blocks");
    assertArrayEquals(expected, NdArray.fromNpy(f, 2, 6, 4).compute().toDoubleArray(), "strided blocks");
    NdArray i = NdArray.arange(10, 3);
    Path g = tmp.resolve("i.npy");
    i.toNpy(g);
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, NdArray.fromNpy(g, 4).compute().toLongArray());
  }

  @Test
  void workerProcessesReadTheSameFiles() {
    Path dir = tmp.resolve("p");
    NdArray x = of(DType.FLOAT64, 5);
    x.store(dir);
    double expected = x.std().compute().doubleValue();
    try (Config.Scope s = Config.with(Scheduler.PROCESSES, 2)) {
      assertEquals(expected, NdArray.open(dir).std().compute().doubleValue(), 1e-12);
    }
  }
}
