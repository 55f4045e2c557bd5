package io.jdask.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB array on disk, stored and summed under a 256 MiB chunk-memory limit: storing streams
 * the blocks to disk as they are drawn, and summing maps each chunk file only while it is read.
 */
class OutOfCoreTest extends ArrayTestSupport {
  private static final long MB = 1 << 20;
  private static final long LIMIT = 256 * MB;
  private long previousLimit;

  @TempDir Path tmp;

  @BeforeEach
  void limit() {
    previousLimit = ArrayMemory.limitBytes();
    ArrayMemory.setLimitBytes(LIMIT);
  }

  @AfterEach
  void restore() {
    ArrayMemory.setLimitBytes(previousLimit);
  }

  @Test
  void twoGibOnDiskSumWithinA256MibLimit() {
    // 16,384 x 16,384 float64 = 2 GiB, in 128 chunks of 16 MiB (2048 x 1024 does not divide 16,384 x 16,000)
    long[] shape = {16_384, 16_384};
    long[] chunks = {2_048, 1_000};
    NdArray x = NdArray.random(2026).uniform(shape, chunks);
    ArrayMemory.resetPeakBytes();
    x.store(tmp.resolve("big.jdarr"));
    assertTrue(ArrayMemory.peakBytes() <= LIMIT, "storing held " + ArrayMemory.peakBytes());

    NdArray y = NdArray.open(tmp.resolve("big.jdarr"));
    ArrayMemory.resetPeakBytes();
    double sum = y.sum().compute().doubleValue();
    long peakReading = ArrayMemory.peakBytes();
    assertTrue(peakReading <= LIMIT, "summing held " + peakReading);
    assertEquals(0.5, sum / (shape[0] * shape[1]), 1e-3, "the mean of 2^28 uniform draws");
    // the same tree over the same chunk values gives the same sum, bit for bit
    assertEquals(x.sum().compute().doubleValue(), sum);
  }
}
