package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what the storage layer costs on this machine: writing a 256 MB float64 chunk,
 * mapping it and summing it, and its CRC32C. Tagged {@code soak} (excluded by default, 256 MB of
 * native memory and disk); run with
 * {@code mvn -pl arrays -am verify -Djdask.test.excludedGroups= -Dtest=ChunkFileThroughputTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. Each figure is the best of several rounds: the page
 * cache is warm, so it shows the code's cost, not the disk's.
 */
@Tag("soak")
class ChunkFileThroughputTest {

  private static final int COUNT = 32 << 20; // 32 Mi float64 = 256 MiB
  private static final long BYTES = COUNT * 8L;
  private static final int ROUNDS = 7;

  @TempDir Path dir;

  @Test
  void writeMapSumAndChecksumThroughput() throws IOException {
    Path file = dir.resolve("big.arrow");
    try (BufferAllocator allocator = new RootAllocator()) {
      measure(allocator, file);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  private static void measure(BufferAllocator allocator, Path file) throws IOException {
    try (ArrowBuf source = allocator.buffer(BYTES)) {
      long expectedSum = 0;
      for (int i = 0; i < COUNT; i++) {
        MemoryUtil.putLong(source.memoryAddress() + 8L * i, Double.doubleToRawLongBits(i % 1000));
        expectedSum += i % 1000;
      }
      long write = Long.MAX_VALUE;
      long mapSum = Long.MAX_VALUE;
      long crc = Long.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        ChunkFile.write(file, DType.FLOAT64, source.memoryAddress(), COUNT);
        long t1 = System.nanoTime();
        double sum;
        try (MappedChunk chunk = ChunkFile.map(file, DType.FLOAT64, COUNT, "big")) {
          sum = sum(chunk.address(), COUNT);
        }
        long t2 = System.nanoTime();
        ChunkFile.checksum(source.memoryAddress(), BYTES);
        long t3 = System.nanoTime();
        assertEquals((double) expectedSum, sum);
        write = Math.min(write, t1 - t0);
        mapSum = Math.min(mapSum, t2 - t1);
        crc = Math.min(crc, t3 - t2);
      }
      System.out.printf(
          "ChunkFile, 256 MiB float64 chunk (best of %d): write %.2f GB/s, map+sum %.2f GB/s, CRC32C %.2f GB/s%n",
          ROUNDS, gbPerSecond(write), gbPerSecond(mapSum), gbPerSecond(crc));
    }
  }

  private static double sum(long address, int count) {
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += Double.longBitsToDouble(MemoryUtil.getLong(address + 8L * i));
    }
    return sum;
  }

  private static double gbPerSecond(long nanos) {
    return BYTES / (double) nanos;
  }
}
