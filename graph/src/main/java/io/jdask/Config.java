package io.jdask;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Chooses where computations run, like {@code dask.config.set(scheduler=..., num_workers=...)}.
 *
 * <pre>{@code
 * Config.set(Scheduler.THREADS, 8);                     // for the whole program
 * try (var scope = Config.with(Scheduler.SYNC)) { ... } // for this block, on this thread
 * Config.set(myExecutorService);                        // on a pool you own
 * }</pre>
 *
 * <p>Precedence, highest first: a {@link #with} scope on the current thread; {@link #set} in
 * code; the system property {@code jdask.scheduler}; the environment variable
 * {@code JDASK_SCHEDULER}; {@code scheduler=} in a {@code jdask.properties} file (working
 * directory, else classpath); the default, THREADS with one worker per core when its module is
 * on the classpath, else SYNC. The number of workers ({@code num-workers},
 * {@code JDASK_NUM_WORKERS}) resolves the same way. Other keys ({@link #get}) follow the same
 * order, e.g. {@code optimize.fuse} / {@code JDASK_OPTIMIZE_FUSE}.
 *
 * <p>Choosing a scheduler whose module is not on the classpath fails at once, naming the Maven
 * artifact to add.
 */
public final class Config {
  /** Key of the scheduler name: sync, threads, processes, distributed. */
  public static final String SCHEDULER = "scheduler";
  /** Key of the number of workers (threads for THREADS, JVMs for PROCESSES). */
  public static final String NUM_WORKERS = "num-workers";
  /** Key of the cluster address for DISTRIBUTED, e.g. tcp://10.0.0.5:8786. */
  public static final String ADDRESS = "address";
  /** Key of the switch for fusing linear chains of tasks (default true). */
  public static final String FUSE = "optimize.fuse";

  /** A choice of backend made in code; numWorkers 0 means "not given". */
  record Choice(Scheduler scheduler, int numWorkers, String address, ExecutorService executor) {}

  private static volatile Choice global;
  private static final ThreadLocal<Choice> SCOPED = new ThreadLocal<>();
  private static final ConcurrentHashMap<String, String> OPTIONS = new ConcurrentHashMap<>();
  private static volatile ConfigSources sources;

  private Config() {}

  /** Runs computations on {@code scheduler} with its default number of workers. */
  public static void set(Scheduler scheduler) {
    global = choice(scheduler, 0, null);
  }

  /** Runs computations on {@code scheduler} with {@code numWorkers} threads or processes. */
  public static void set(Scheduler scheduler, int numWorkers) {
    global = choice(scheduler, checkWorkers(numWorkers), null);
  }

  /** Runs computations on the cluster at {@code address} (DISTRIBUTED). */
  public static void set(Scheduler scheduler, String address) {
    global = choice(scheduler, 0, Objects.requireNonNull(address, "address"));
  }

  /** Runs computations on a pool the caller owns (and shuts down); jdask never shuts it down. */
  public static void set(ExecutorService pool) {
    global = new Choice(null, 0, null, Objects.requireNonNull(pool, "pool"));
  }

  /** Like {@link #set(Scheduler)}, for the current thread until the scope is closed. */
  public static Scope with(Scheduler scheduler) {
    return scope(choice(scheduler, 0, null));
  }

  /** Like {@link #set(Scheduler, int)}, for the current thread until the scope is closed. */
  public static Scope with(Scheduler scheduler, int numWorkers) {
    return scope(choice(scheduler, checkWorkers(numWorkers), null));
  }

  /** Like {@link #set(Scheduler, String)}, for the current thread until the scope is closed. */
  public static Scope with(Scheduler scheduler, String address) {
    return scope(choice(scheduler, 0, Objects.requireNonNull(address, "address")));
  }

  /** Like {@link #set(ExecutorService)}, for the current thread until the scope is closed. */
  public static Scope with(ExecutorService pool) {
    return scope(new Choice(null, 0, null, Objects.requireNonNull(pool, "pool")));
  }

  /** Sets any other configuration key in code, e.g. {@code Config.set("optimize.fuse", "false")}. */
  public static void set(String key, String value) {
    if (value == null) {
      OPTIONS.remove(key);
    } else {
      OPTIONS.put(key, value);
    }
  }

  /** The value of a configuration key from code, system properties, environment or file. */
  public static Optional<String> get(String key) {
    String v = OPTIONS.get(key);
    return v != null ? Optional.of(v) : sources().get(key);
  }

  /** The scheduler computations started on this thread will use. */
  public static Scheduler scheduler() {
    Choice c = current();
    if (c != null && c.executor() != null) {
      return null;
    }
    if (c != null) {
      return c.scheduler();
    }
    return get(SCHEDULER).map(Scheduler::parse).orElseGet(Backends::defaultScheduler);
  }

  /** The number of workers computations started on this thread will use. */
  public static int numWorkers() {
    Choice c = current();
    if (c != null && c.numWorkers() > 0) {
      return c.numWorkers();
    }
    return get(NUM_WORKERS)
        .map(Config::parseWorkers)
        .orElse(Runtime.getRuntime().availableProcessors());
  }

  /** Forgets every setting made in code (not the environment or the file). For tests. */
  public static void reset() {
    global = null;
    SCOPED.remove();
    OPTIONS.clear();
  }

  /** The choice made in code for this thread, or null. */
  static Choice current() {
    Choice scoped = SCOPED.get();
    return scoped != null ? scoped : global;
  }

  /** The scope open on this thread, or null. */
  static Choice scoped() {
    return SCOPED.get();
  }

  static void useSources(ConfigSources s) {
    sources = s;
  }

  private static ConfigSources sources() {
    ConfigSources s = sources;
    if (s == null) {
      s = ConfigSources.fromEnvironment();
      sources = s;
    }
    return s;
  }

  private static Choice choice(Scheduler scheduler, int numWorkers, String address) {
    Objects.requireNonNull(scheduler, "scheduler");
    Backends.requireAvailable(scheduler);
    return new Choice(scheduler, numWorkers, address, null);
  }

  private static int checkWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("the number of workers must be at least 1, got " + n);
    }
    return n;
  }

  private static int parseWorkers(String s) {
    try {
      return checkWorkers(Integer.parseInt(s.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("num-workers must be a whole number, got '" + s + "'", e);
    }
  }

  private static Scope scope(Choice c) {
    Choice previous = SCOPED.get();
    SCOPED.set(c);
    return new Scope(previous);
  }

  /** A configuration in force on one thread until closed; closing restores the previous one. */
  public static final class Scope implements AutoCloseable {
    private final Choice previous;
    private boolean closed;

    private Scope(Choice previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (previous == null) {
        SCOPED.remove();
      } else {
        SCOPED.set(previous);
      }
    }
  }
}
