package io.jdask.spi;

import io.jdask.graph.Task;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What recording a task costs the thread that ran it: {@link TaskStreamLog#begin} and {@link
 * TaskStreamLog#end} for {@value #BATCH} trivial tasks (so spans of short tasks, the common case
 * the dashboard's overhead figure measures), a flush as a retiring runner does, and a reader
 * that drains them after each batch, as the dashboard does every 10 ms, so that the log reuses
 * its chunks as it does under a dashboard. The drain is in the figure (a few ns a task). In
 * package {@code io.jdask.spi} because the log is package-private. Not in BenchRunner's default
 * run:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main TaskStreamLogBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TaskStreamLogBenchmark {
  static final int BATCH = 1024;

  private final Task[] tasks = new Task[16];
  private final TaskStreamLog.StreamRun run = new TaskStreamLog.StreamRun(1, "bench");
  private TaskStreamLog log;
  private TaskStreamReader reader;

  @Setup
  public void setUp() {
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = Task.of("leaf", args -> 1);
    }
    reader = TaskStream.open();
    log = TaskStream.currentLog(); // this thread's, read by the reader
  }

  @TearDown
  public void tearDown() {
    reader.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void beginAndEnd() {
    for (int i = 0; i < BATCH; i++) {
      log.begin(run, null, i, tasks[i & 15], 0);
      log.end(false, 0);
    }
    log.flush();
    reader.poll(DISCARD);
  }

  private static final Consumer<TaskRecords> DISCARD = slice -> {};
}
