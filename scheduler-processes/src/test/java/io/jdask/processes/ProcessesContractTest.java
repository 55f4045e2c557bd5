package io.jdask.processes;

import io.jdask.Config;
import io.jdask.Scheduler;
import io.jdask.contract.BackendContract;

/** The backend contract on two worker JVMs of one thread each. */
class ProcessesContractTest extends BackendContract {
  @Override
  protected Config.Scope useBackend() {
    return Config.with(Scheduler.PROCESSES, 2);
  }

  @Override
  protected int parallelism() {
    // Two workers of one thread (two cores), each with up to 4 units of 1 MiB results queued
    // beyond the running one (ProcessRun.QUEUE_BYTES).
    return 2 * (1 + 4);
  }
}
