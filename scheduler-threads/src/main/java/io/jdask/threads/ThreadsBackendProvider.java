package io.jdask.threads;

import io.jdask.spi.Backend;
import io.jdask.spi.BackendProvider;
import io.jdask.spi.BackendSettings;

/** Registers THREADS with the service loader. */
public final class ThreadsBackendProvider implements BackendProvider {
  @Override
  public String scheduler() {
    return "threads";
  }

  @Override
  public Backend open(BackendSettings settings) {
    return new ThreadsBackend(settings.numWorkers());
  }
}
