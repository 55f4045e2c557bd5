package io.jdask.spi;

import java.util.Optional;
import java.util.function.Function;

/**
 * What a backend is opened with.
 *
 * @param scheduler the scheduler's name ("threads", "processes", …)
 * @param numWorkers workers (threads or processes) to use, at least 1
 * @param address a cluster address for the distributed scheduler, else null
 * @param options reads further configuration keys ({@code Config.get}), e.g.
 *     "processes.worker-heap"
 */
public record BackendSettings(
    String scheduler, int numWorkers, String address, Function<String, Optional<String>> options) {}
