package io.jdask.threads;

import io.jdask.Config;
import io.jdask.Scheduler;
import io.jdask.contract.BackendContract;

class ThreadsContractTest extends BackendContract {
  @Override
  protected Config.Scope useBackend() {
    return Config.with(Scheduler.THREADS, 2);
  }

  @Override
  protected int parallelism() {
    return 2;
  }
}
