package io.jdask;

import io.jdask.contract.BackendContract;

class SyncContractTest extends BackendContract {
  @Override
  protected Config.Scope useBackend() {
    return Config.with(Scheduler.SYNC);
  }

  @Override
  protected int parallelism() {
    return 1;
  }
}
