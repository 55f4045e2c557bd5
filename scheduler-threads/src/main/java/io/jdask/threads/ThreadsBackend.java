package io.jdask.threads;

import io.jdask.graph.Plan;
import io.jdask.spi.Backend;
import io.jdask.spi.LocalRun;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THREADS: the shared-memory scheduler. Tasks run on {@code n} threads of this JVM, results stay
 * in the heap and pass between tasks by reference; the execution core ({@link LocalRun})
 * balances load dynamically: each thread runs the best of the tasks it made ready, and a thread
 * with none takes one from another.
 *
 * <p>The pool is made on first use and reused by every computation. Its threads are daemons
 * named {@code jdask-threads-N} that end after {@link #IDLE_SECONDS} idle, so a program that
 * stops computing is left with no jdask threads even if it never calls
 * {@code Jdask.shutdown()}.
 */
final class ThreadsBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(ThreadsBackend.class);
  /** Long enough that back-to-back computes reuse warm threads, short enough to leave none. */
  static final int IDLE_SECONDS = 10;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int threads;
  private final ThreadPoolExecutor pool;
  private final String name;

  ThreadsBackend(int threads) {
    this.threads = threads;
    this.name = "threads(" + threads + ")";
    int poolId = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "jdask-threads-" + (poolId == 1 ? "" : poolId + "-") + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    pool.allowCoreThreadTimeOut(true);
    log.debug("started {}", name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Object> compute(Plan plan) {
    return LocalRun.execute(plan, pool, threads, name, "threads");
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{}: threads still running 5 s after shutdown", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
