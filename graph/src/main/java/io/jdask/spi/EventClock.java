package io.jdask.spi;

/**
 * Event time: nanoseconds since the epoch, read from the monotonic clock and anchored to the
 * wall clock once per JVM, so that durations are exact and worker JVMs share a time axis.
 */
public final class EventClock {
  private static final long ANCHOR_NANO = System.nanoTime();
  private static final long ANCHOR_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;

  private EventClock() {}

  public static long epochNanos() {
    return ANCHOR_EPOCH_NANOS + (System.nanoTime() - ANCHOR_NANO);
  }
}
