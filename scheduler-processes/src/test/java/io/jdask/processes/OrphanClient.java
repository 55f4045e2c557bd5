package io.jdask.processes;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.Scheduler;
import io.jdask.contract.Fixtures;
import java.util.stream.Collectors;

/** A client JVM for {@link ProcessesFaultTest}: starts two workers, says their pids, then waits to be killed. */
public final class OrphanClient {
  private OrphanClient() {}

  public static void main(String[] args) throws Exception {
    Config.set(Scheduler.PROCESSES, 2);
    Delayed.of(Fixtures::inc).call(1).compute();
    System.out.println("workers " + WorkerProcesses.of(ProcessHandle.current()).stream()
        .map(p -> String.valueOf(p.pid())).collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(120_000);
  }
}
