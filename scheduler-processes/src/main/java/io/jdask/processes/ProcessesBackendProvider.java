package io.jdask.processes;

import io.jdask.spi.Backend;
import io.jdask.spi.BackendProvider;
import io.jdask.spi.BackendSettings;

/** Registers PROCESSES with the service loader. */
public final class ProcessesBackendProvider implements BackendProvider {
  @Override
  public String scheduler() {
    return "processes";
  }

  @Override
  public Backend open(BackendSettings settings) {
    return new ProcessesBackend(ProcessesSettings.from(settings));
  }
}
