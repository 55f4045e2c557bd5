package io.jdask.array;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A compute whose map function throws while other tasks still run: once those end, every chunk
 * of the run is freed (the support class's check waits for them).
 */
class FailedComputeTest extends ArrayTestSupport {
  @Test
  void aFailingMapLeavesNoChunkMemoryOnceItsSiblingsEnd() {
    NdArray x = NdArray.arange(0.0, 40.0, 1.0, 10);
    NdArray y = x.map(v -> {
      try {
        if (v == 0) {
          Thread.sleep(200); // both runners are busy before block 0 fails
        } else if (v == 10) {
          Thread.sleep(1000); // a sibling still running when compute() throws
        }
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
      if (v == 5) {
        throw new IllegalStateException("boom");
      }
      return v;
    });
    assertThrows(RuntimeException.class, () -> y.add(1).sum().compute());
    // the @AfterEach then finds the sibling's chunks still allocated
  }

}
