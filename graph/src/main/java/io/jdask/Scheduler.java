package io.jdask;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where computations run. Each scheduler lives in its own Maven artifact. */
public enum Scheduler {
  /** The calling thread, one task at a time: the reference semantics, for debugging. */
  SYNC("sync", "jdask-graph"),
  /** A pool of threads in this JVM. */
  THREADS("threads", "jdask-scheduler-threads"),
  /** Worker JVMs started on this machine. */
  PROCESSES("processes", "jdask-scheduler-processes"),
  /** A cluster: a {@code jdask-scheduler} and {@code jdask-worker}s, or a local one. */
  DISTRIBUTED("distributed", "jdask-scheduler-distributed");

  private final String id;
  private final String artifactId;

  Scheduler(String id, String artifactId) {
    this.id = id;
    this.artifactId = artifactId;
  }

  /** The name used in configuration: "sync", "threads", "processes", "distributed". */
  public String id() {
    return id;
  }

  /** The Maven artifact (group {@code io.jdask}) that provides this scheduler. */
  public String artifactId() {
    return artifactId;
  }

  /** Parses a configured name, case-insensitively ("threads", "THREADS", "threaded"). */
  public static Scheduler parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Scheduler s : values()) {
      if (s.id.equals(n)) {
        return s;
      }
    }
    switch (n) {
      case "synchronous", "single-threaded":
        return SYNC;
      case "threaded", "thread":
        return THREADS;
      case "multiprocessing", "process":
        return PROCESSES;
      default:
        throw new IllegalArgumentException(
            "unknown scheduler '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Scheduler::id).collect(Collectors.joining(", ")));
    }
  }
}
