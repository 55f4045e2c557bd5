package io.jdask.benchmarks;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn1;
import io.jdask.DelayedFn2;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The processes scheduler: (1) per-task overhead of {@value #TRIVIAL} independent trivial tasks
 * whose results all come back, on PROCESSES(2); (2) {@value #CPU_TASKS} CPU-bound tasks of 10 ms
 * of CPU each on SYNC and on PROCESSES(2), whose ratio is the speedup. Workers are started in the
 * setup, so start-up is not measured here (the runner measures it separately).
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.jdask.benchmarks.BenchRunner ProcessesBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ProcessesBenchmark {
  static final int TRIVIAL = 10_000;
  static final int CPU_TASKS = 200;

  @Param({"sync", "processes2"})
  public String scheduler;

  private List<Delayed<Integer>> trivial;
  private List<Delayed<Double>> cpu;

  static Integer same(Integer i) {
    return i;
  }

  @Setup
  public void setUp() {
    if (scheduler.equals("sync")) {
      Config.set(Scheduler.SYNC);
    } else {
      Config.set(Scheduler.PROCESSES, 2);
    }
    DelayedFn1<Integer, Integer> same = Delayed.of(ProcessesBenchmark::same);
    trivial = new ArrayList<>(TRIVIAL);
    for (int i = 0; i < TRIVIAL; i++) {
      trivial.add(same.call(i));
    }
    DelayedFn2<Integer, Integer, Double> burn = Delayed.of(CpuWork::burn);
    cpu = new ArrayList<>(CPU_TASKS);
    for (int i = 0; i < CPU_TASKS; i++) {
      cpu.add(burn.call(10, i));
    }
    Graphs.check(TRIVIAL - 1L, (long) (Integer) Jdask.compute(trivial).get(TRIVIAL - 1));
  }

  @TearDown
  public void tearDown() {
    Jdask.shutdown();
    Config.reset();
  }

  @Benchmark
  public List<Object> trivialTasks() {
    return Jdask.compute(trivial);
  }

  @Benchmark
  public List<Object> cpuBoundTasks() {
    return Jdask.compute(cpu);
  }
}
