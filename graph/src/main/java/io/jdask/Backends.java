package io.jdask;

import io.jdask.spi.Backend;
import io.jdask.spi.BackendProvider;
import io.jdask.spi.BackendSettings;
import io.jdask.spi.ExecutorServiceBackend;
import io.jdask.spi.LocalRun;
import io.jdask.spi.SyncBackend;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends by scheduler name through {@link ServiceLoader} and keeps one open per
 * configuration, so worker pools are made once and reused by every computation.
 */
final class Backends {
  private static final Logger log = LoggerFactory.getLogger(Backends.class);
  private static final Map<Scheduler, BackendProvider> PROVIDERS = loadProviders();
  private static final Map<Object, Backend> OPEN = new LinkedHashMap<>();
  private static boolean hookInstalled;

  private Backends() {}

  private static Map<Scheduler, BackendProvider> loadProviders() {
    Map<Scheduler, BackendProvider> found = new EnumMap<>(Scheduler.class);
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
      found.putIfAbsent(Scheduler.parse(p.scheduler()), p);
    }
    return found;
  }

  static boolean available(Scheduler s) {
    return PROVIDERS.containsKey(s);
  }

  static void requireAvailable(Scheduler s) {
    if (!available(s)) {
      throw new IllegalStateException(
          "the " + s + " scheduler is not on the classpath: add the Maven dependency "
              + "io.jdask:" + s.artifactId() + " (<groupId>io.jdask</groupId><artifactId>"
              + s.artifactId() + "</artifactId>)");
    }
  }

  static Scheduler defaultScheduler() {
    return available(Scheduler.THREADS) ? Scheduler.THREADS : Scheduler.SYNC;
  }

  /** The backend for a computation started on this thread now. */
  static Backend current() {
    if (LocalRun.insideTask() && Config.scoped() == null) {
      // A compute() inside a running task runs where it is: waiting for a pool from one of that
      // pool's own threads could deadlock it. A scope opened inside the task is an explicit
      // request for another backend (one pool per kind of task) and is honoured.
      return SyncBackend.INSTANCE;
    }
    Config.Choice c = Config.current();
    if (c != null && c.executor() != null) {
      // Stateless and cheap; not cached, so jdask never pins a pool the user has dropped.
      return new ExecutorServiceBackend(c.executor());
    }
    Scheduler s = Config.scheduler();
    requireAvailable(s);
    if (s == Scheduler.SYNC) {
      return SyncBackend.INSTANCE;
    }
    int n = Config.numWorkers();
    String address = c != null && c.address() != null ? c.address() : Config.get(Config.ADDRESS).orElse(null);
    BackendSettings settings = new BackendSettings(s.id(), n, address, Config::get);
    return open(List.of(s, n, String.valueOf(address)), () -> PROVIDERS.get(s).open(settings));
  }

  private static synchronized Backend open(Object key, java.util.function.Supplier<Backend> factory) {
    Backend b = OPEN.get(key);
    if (b == null) {
      b = factory.get();
      OPEN.put(key, b);
      log.debug("opened backend {}", b.name());
      if (!hookInstalled) {
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(Backends::closeAll, "jdask-shutdown"));
      }
    }
    return b;
  }

  /** Closes every backend jdask opened (never a user's own executor). */
  static void closeAll() {
    List<Backend> toClose;
    synchronized (Backends.class) {
      toClose = new ArrayList<>(OPEN.values());
      OPEN.clear();
    }
    for (Backend b : toClose) {
      try {
        b.close();
      } catch (RuntimeException e) {
        log.warn("closing backend {} failed", b.name(), e);
      }
    }
  }
}
