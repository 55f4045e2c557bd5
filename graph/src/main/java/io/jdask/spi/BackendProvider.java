package io.jdask.spi;

/**
 * Makes backends of one scheduler. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/io.jdask.spi.BackendProvider}), so a scheduler is available
 * exactly when its module is on the classpath.
 */
public interface BackendProvider {
  /** The scheduler this provider serves: "sync", "threads", "processes" or "distributed". */
  String scheduler();

  Backend open(BackendSettings settings);
}
