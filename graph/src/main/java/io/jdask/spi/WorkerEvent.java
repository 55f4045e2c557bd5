package io.jdask.spi;

/**
 * How one worker is doing, reported by backends whose workers live outside this JVM (a worker
 * process heartbeats one every second or so). In-process backends do not send them: their
 * workers are this JVM's threads, which a listener can observe directly.
 *
 * @param worker the worker's name, as in {@link TaskEvent#worker()}
 * @param threads threads the worker runs tasks on
 * @param tasksRunning tasks running now
 * @param heapUsedBytes used Java heap
 * @param heapMaxBytes maximum Java heap
 * @param offHeapUsedBytes off-heap memory held for results (Arrow buffers), or -1 if unknown
 * @param cpuLoad the worker process's recent CPU load, 0..1 per core summed over cores, or -1
 * @param epochNanos when it was measured ({@link EventClock})
 */
public record WorkerEvent(
    String worker,
    int threads,
    int tasksRunning,
    long heapUsedBytes,
    long heapMaxBytes,
    long offHeapUsedBytes,
    double cpuLoad,
    long epochNanos) {}
