package io.jdask;

import io.jdask.spi.RunEvent;
import io.jdask.spi.Subscription;
import io.jdask.spi.TaskEvent;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.TaskListener;
import io.jdask.spi.TaskRecords;
import io.jdask.spi.TaskStream;
import io.jdask.spi.TaskStreamReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A console progress bar for the computations started while it is open, like Dask's
 * {@code dask.diagnostics.ProgressBar}:
 *
 * <pre>{@code
 * try (var bar = ProgressBar.show()) {
 *   result = graph.compute();
 * }
 * // [##############################          ] |  75% | 750/1000 tasks | 2.3 s
 * }</pre>
 *
 * It counts the tasks of this JVM from the {@link TaskStream} (their threads only write a record
 * each; the count is read when the bar is drawn) and those of worker processes from their task
 * events, and redraws from its own daemon thread every {@link #REFRESH}; a computation shorter
 * than the minimum (1 s by default) draws nothing. Closing it stops the thread.
 */
public final class ProgressBar implements AutoCloseable {
  /** Ten redraws a second: smooth to the eye, negligible work. */
  static final Duration REFRESH = Duration.ofMillis(100);
  private static final int WIDTH = 40;

  private final PrintStream out;
  private final long minimumNanos;
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger activeRuns = new AtomicInteger();
  private final TaskStreamReader stream;
  private final Subscription subscription;
  private final Thread painter;
  private volatile long startNanos;
  private volatile boolean drawn;
  private final Object drawLock = new Object();

  private ProgressBar(PrintStream out, Duration minimum) {
    this.out = out;
    this.minimumNanos = minimum.toNanos();
    this.stream = TaskStream.open(); // before subscribing: a run that sees the listener records its tasks
    this.subscription = TaskEvents.subscribe(new Listener());
    this.painter = new Thread(this::paintLoop, "jdask-progress");
    painter.setDaemon(true);
    painter.start();
  }

  /** Shows progress on standard output for computations that take a second or more. */
  public static ProgressBar show() {
    return show(System.out, Duration.ofSeconds(1));
  }

  /** Shows progress on {@code out} for computations that take at least {@code minimum}. */
  public static ProgressBar show(PrintStream out, Duration minimum) {
    return new ProgressBar(out, minimum);
  }

  private final class Listener implements TaskListener {
    @Override
    public void onRun(RunEvent e) {
      if (e.kind() == RunEvent.Kind.STARTED) {
        if (activeRuns.getAndIncrement() == 0) {
          synchronized (drawLock) {
            stream.poll(NOTHING); // tasks of earlier computations, not counted in time to be drawn
            total.set(0);
            done.set(0);
            drawn = false;
            startNanos = System.nanoTime();
          }
        }
        total.addAndGet(e.totalTasks());
      } else if (activeRuns.decrementAndGet() == 0) {
        finishLine(e.kind());
      }
    }

    @Override
    public boolean readsTaskStream() {
      return true;
    }

    /** Tasks of worker processes; this JVM's come from the task stream. */
    @Override
    public void onTask(TaskEvent e) {
      if (e.state() == TaskEvent.State.FINISHED || e.state() == TaskEvent.State.FAILED) {
        done.incrementAndGet();
      }
    }
  }

  private static final Consumer<TaskRecords> NOTHING = slice -> {};

  /** Counts the tasks of this JVM that ended since the last call. Under drawLock. */
  private void countRecorded() {
    done.addAndGet(stream.poll(NOTHING));
  }

  private void paintLoop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        TimeUnit.NANOSECONDS.sleep(REFRESH.toNanos());
        if (activeRuns.get() > 0 && System.nanoTime() - startNanos >= minimumNanos) {
          draw(false);
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private void finishLine(RunEvent.Kind kind) {
    synchronized (drawLock) {
      countRecorded(); // the run's tasks were all recorded before its end was published
      if (drawn || System.nanoTime() - startNanos >= minimumNanos) {
        draw(true);
        if (kind != RunEvent.Kind.FINISHED) {
          out.print(" (" + kind.name().toLowerCase(Locale.ROOT) + ")");
        }
        out.println();
        out.flush();
        drawn = false;
      }
    }
  }

  private void draw(boolean last) {
    synchronized (drawLock) {
      countRecorded();
      int t = Math.max(total.get(), 1);
      int d = Math.min(done.get(), t);
      int filled = (int) ((long) WIDTH * d / t);
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.print(String.format(Locale.ROOT, "\r[%s%s] | %3d%% | %d/%d tasks | %.1f s",
          "#".repeat(filled), " ".repeat(WIDTH - filled), 100L * d / t, d, total.get(), seconds));
      out.flush();
      drawn = !last;
    }
  }

  /** Stops listening and stops the drawing thread. */
  @Override
  public void close() {
    subscription.close();
    stream.close();
    painter.interrupt();
    try {
      painter.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
