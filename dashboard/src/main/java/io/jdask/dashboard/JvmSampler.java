package io.jdask.dashboard;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * Memory and CPU of this JVM, the worker of every in-process backend (SYNC, THREADS, a user's
 * executor), which send no worker events of their own. Read by {@link #refresh()} about once a
 * second (the CPU figure is an average over the interval between reads, so reading it every
 * tick would make it jitter); the getters return the last reading.
 */
final class JvmSampler {
  private long heapUsed;
  private long heapMax;
  private long offHeapUsed;
  private double cpuCores = -1;

  void refresh() {
    heapUsed = memory.getHeapMemoryUsage().getUsed();
    heapMax = memory.getHeapMemoryUsage().getMax();
    offHeapUsed = readOffHeap();
    cpuCores = readCpuCores();
  }

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final List<BufferPoolMXBean> pools =
      ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);

  long heapUsed() {
    return heapUsed;
  }

  long heapMax() {
    return heapMax;
  }

  long offHeapUsed() {
    return offHeapUsed;
  }

  double cpuCores() {
    return cpuCores;
  }

  /**
   * Direct and mapped NIO buffers. Arrow's netty allocator reserves its memory through direct
   * buffers, so this is the closest in-process figure for off-heap results.
   */
  private long readOffHeap() {
    long sum = 0;
    for (BufferPoolMXBean p : pools) {
      sum += Math.max(0, p.getMemoryUsed());
    }
    return sum;
  }

  /**
   * This process's recent CPU use in cores (the JVM reports 0..1 of the whole machine; cores
   * compare with a worker's threads), or -1 where the JVM cannot say.
   */
  private double readCpuCores() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getProcessCpuLoad();
      return load < 0 ? -1 : load * Runtime.getRuntime().availableProcessors();
    }
    return -1;
  }
}
