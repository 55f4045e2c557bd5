package io.jdask.processes;

import java.util.Comparator;
import java.util.List;

/** Finds worker JVMs among a process's children, for tests that kill or count them. */
final class WorkerProcesses {
  private WorkerProcesses() {}

  static List<ProcessHandle> of(ProcessHandle parent) {
    return parent.children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(WorkerMain.class.getName())).orElse(false))
        .sorted(Comparator.comparingLong(ProcessHandle::pid))
        .toList();
  }
}
