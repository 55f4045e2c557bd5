package io.jdask.processes;

import io.jdask.spi.BackendSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The processes scheduler's settings, read through {@code Config} (code, {@code -Djdask.…},
 * {@code JDASK_…}, {@code jdask.properties}):
 *
 * <ul>
 *   <li>{@code num-workers}: worker JVMs (default: one per core);
 *   <li>{@code processes.threads-per-worker}: task threads in each (default: cores / workers, at
 *       least 1);
 *   <li>{@code processes.worker-heap}: {@code -Xmx} of each worker, e.g. {@code 2g} (default:
 *       the JVM's own default);
 *   <li>{@code processes.jvm-options}: further options for worker JVMs, space-separated;
 *   <li>{@code processes.local-directory}: scratch directory, the workers' working directory
 *       (default: {@code <java.io.tmpdir>/jdask-<client pid>});
 *   <li>{@code processes.prefetch}: units queued per worker thread beyond the one running, so
 *       that short tasks travel in batches (default 3);
 *   <li>{@code processes.start-timeout}: seconds to wait for a worker to connect (default 60).
 * </ul>
 */
record ProcessesSettings(int workers, int threadsPerWorker, String heap, List<String> jvmOptions,
    Path localDirectory, int prefetch, Duration startTimeout) {

  static ProcessesSettings from(BackendSettings s) {
    int cores = Runtime.getRuntime().availableProcessors();
    int workers = s.numWorkers();
    int threads = s.options().apply("processes.threads-per-worker").map(Integer::parseInt)
        .orElse(Math.max(1, cores / workers));
    String heap = s.options().apply("processes.worker-heap").orElse(null);
    List<String> opts = new ArrayList<>(s.options().apply("processes.jvm-options")
        .map(o -> Arrays.asList(o.trim().split("\\s+"))).orElse(List.of()));
    Path dir = s.options().apply("processes.local-directory").map(Path::of)
        .orElse(Path.of(System.getProperty("java.io.tmpdir"), "jdask-" + ProcessHandle.current().pid()));
    int prefetch = s.options().apply("processes.prefetch").map(Integer::parseInt).orElse(3);
    Duration timeout = Duration.ofSeconds(
        s.options().apply("processes.start-timeout").map(Long::parseLong).orElse(60L));
    if (threads < 1 || prefetch < 0) {
      throw new IllegalArgumentException("processes.threads-per-worker must be >= 1 and processes.prefetch >= 0");
    }
    return new ProcessesSettings(workers, threads, heap, opts, dir, prefetch, timeout);
  }
}
