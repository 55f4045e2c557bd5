package io.jdask.dashboard;

import io.jdask.spi.EventClock;
import io.jdask.spi.TaskRecords;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a {@link StreamModel}: every tick it drains the {@link EventFeed}
 * into the model and hands the model to a tick action (the WebSocket broadcast). HTTP handlers
 * read the model through {@link #query}, which runs on this thread too, so the model needs no
 * locks and worker threads never wait for the dashboard.
 */
final class Pump implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pump.class);
  /** How often the JVM's memory and CPU are read. */
  private static final long SAMPLE_NANOS = 1_000_000_000L;
  /**
   * How often queued events and task records are moved into the model, between ticks too. A
   * chunk of records waiting to be read is garbage the collector must copy if a young collection
   * comes first; at millions of tasks a second, draining every 10 ms rather than every tick
   * keeps nearly all of them from surviving one.
   */
  static final long DRAIN_MILLIS = 10;

  private final EventFeed feed = new EventFeed();
  private final StreamModel model;
  private final Consumer<Object> applyEvent;
  private final Consumer<TaskRecords> applyRecords;
  private final JvmSampler jvm = new JvmSampler();
  private final ScheduledExecutorService thread;
  private final Consumer<Tick> onTick;
  private long lastSample = Long.MIN_VALUE;
  private final long tickNanos;
  private long lastTick;
  private boolean changedSinceTick;

  /** What a tick action gets: the model, and whether anything changed since the last tick. */
  record Tick(StreamModel model, JvmSampler jvm, boolean changed, long nowNanos) {}

  Pump(String threadName, long periodMillis, Consumer<Tick> onTick) {
    this.model = new StreamModel(EventClock.epochNanos());
    this.applyEvent = model::apply;
    this.applyRecords = model::records;
    this.onTick = onTick;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true); // never keeps a user's program alive; close() stops it anyway
      return t;
    });
    jvm.refresh();
    tickNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    lastTick = EventClock.epochNanos();
    thread.scheduleWithFixedDelay(this::tick, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
  }

  EventFeed feed() {
    return feed;
  }

  /** Runs {@code q} on the pump thread after draining pending events, and returns its result. */
  <T> T query(Function<StreamModel, T> q) {
    try {
      return thread.submit(() -> {
        changedSinceTick |= drain();
        return q.apply(model);
      }).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("dashboard query failed", e);
    }
  }

  /** Runs {@code q} on the pump thread with the JVM sampler too. */
  <T> T queryWithJvm(java.util.function.BiFunction<StreamModel, JvmSampler, T> q) {
    return query(m -> q.apply(m, jvm));
  }

  private boolean drain() {
    return feed.drain(applyEvent, applyRecords) > 0;
  }

  private void tick() {
    try {
      changedSinceTick |= drain();
      long now = EventClock.epochNanos();
      if (now - lastTick < tickNanos) {
        return;
      }
      lastTick = now;
      boolean changed = changedSinceTick;
      changedSinceTick = false;
      if (now - lastSample >= SAMPLE_NANOS) {
        jvm.refresh();
        lastSample = now;
        changed = true;
      }
      onTick.accept(new Tick(model, jvm, changed, now));
    } catch (RuntimeException e) {
      log.warn("dashboard tick failed", e); // keep ticking: one bad batch must not stop the page
    }
  }

  /** Stops the thread, then drains what is left into the model (read it after with {@link #model()}). */
  @Override
  public void close() {
    feed.close();
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    drain();
  }

  /** The model, for the closing thread once {@link #close()} returned. */
  StreamModel model() {
    return model;
  }

  JvmSampler jvm() {
    return jvm;
  }
}
