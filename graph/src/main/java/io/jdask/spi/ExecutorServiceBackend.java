package io.jdask.spi;

import io.jdask.graph.Plan;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Runs tasks on an {@link ExecutorService} the user owns ({@code Config.set(pool)}). At most as
 * many runners as the pool has threads are submitted, each looping over ready tasks and
 * returning its thread to the pool when nothing is ready, so a shared pool is borrowed, never
 * blocked. The pool is not shut down by jdask.
 */
public final class ExecutorServiceBackend implements Backend {
  private final ExecutorService pool;
  private final int parallelism;

  public ExecutorServiceBackend(ExecutorService pool) {
    this.pool = pool;
    this.parallelism = parallelismOf(pool);
  }

  static int parallelismOf(ExecutorService pool) {
    if (pool instanceof ThreadPoolExecutor tpe) {
      return Math.max(1, tpe.getMaximumPoolSize() == Integer.MAX_VALUE
          ? Math.max(tpe.getCorePoolSize(), Runtime.getRuntime().availableProcessors())
          : tpe.getMaximumPoolSize());
    }
    if (pool instanceof ForkJoinPool fjp) {
      return fjp.getParallelism();
    }
    return Runtime.getRuntime().availableProcessors();
  }

  public ExecutorService pool() {
    return pool;
  }

  @Override
  public String name() {
    return "executor(" + parallelism + ")";
  }

  @Override
  public List<Object> compute(Plan plan) {
    return LocalRun.execute(plan, pool, parallelism, name(), "executor");
  }

  @Override
  public void close() {
    // The user's pool is the user's to shut down.
  }
}
