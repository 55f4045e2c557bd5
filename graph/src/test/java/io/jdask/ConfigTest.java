package io.jdask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs in the graph module alone, where only SYNC is on the classpath. */
class ConfigTest {
  @AfterEach
  void cleanUp() {
    Config.reset();
    Config.useSources(ConfigSources.fromEnvironment());
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void aSchedulerWhoseModuleIsMissingNamesTheArtifactToAdd() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Config.set(Scheduler.THREADS, 2));
    assertTrue(e.getMessage().contains("io.jdask:jdask-scheduler-threads"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> Config.set(Scheduler.PROCESSES, 4));
    assertTrue(e.getMessage().contains("jdask-scheduler-processes"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> Config.with(Scheduler.DISTRIBUTED, "tcp://127.0.0.1:8786"));
    assertTrue(e.getMessage().contains("jdask-scheduler-distributed"), e.getMessage());
  }

  @Test
  void aMissingModuleChosenByTheEnvironmentFailsAtComputeWithTheSameMessage() {
    Config.useSources(new ConfigSources(new Properties(), Map.of("JDASK_SCHEDULER", "processes"), new Properties()));
    assertEquals(Scheduler.PROCESSES, Config.scheduler());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Delayed.value(1).compute());
    assertTrue(e.getMessage().contains("jdask-scheduler-processes"), e.getMessage());
  }

  @Test
  void withoutTheThreadsModuleTheDefaultIsSync() {
    Config.useSources(new ConfigSources(new Properties(), Map.of(), new Properties()));
    assertEquals(Scheduler.SYNC, Config.scheduler());
    assertEquals(Runtime.getRuntime().availableProcessors(), Config.numWorkers());
  }

  @Test
  void codeWinsOverSystemPropertiesOverEnvironmentOverFile() {
    Properties file = props("scheduler", "threads", "num-workers", "3", "optimize.fuse", "false");
    Map<String, String> env = Map.of("JDASK_NUM_WORKERS", "5", "JDASK_OPTIMIZE_FUSE", "true");
    Properties sys = props("jdask.num-workers", "7");
    Config.useSources(new ConfigSources(new Properties(), Map.of(), file));
    assertEquals(Scheduler.THREADS, Config.scheduler(), "the file names a scheduler");
    assertEquals(3, Config.numWorkers());
    assertEquals(Optional.of("false"), Config.get(Config.FUSE));

    Config.useSources(new ConfigSources(new Properties(), env, file));
    assertEquals(5, Config.numWorkers(), "the environment beats the file");
    assertEquals(Optional.of("true"), Config.get(Config.FUSE));

    Config.useSources(new ConfigSources(sys, env, file));
    assertEquals(7, Config.numWorkers(), "a system property beats the environment");

    Config.set(Scheduler.SYNC);
    assertEquals(Scheduler.SYNC, Config.scheduler(), "code beats everything");
    Config.set(Config.FUSE, "false");
    assertEquals(Optional.of("false"), Config.get(Config.FUSE));
  }

  @Test
  void badValuesAreRejectedWithTheValueNamed() {
    Config.useSources(new ConfigSources(new Properties(), Map.of("JDASK_SCHEDULER", "gpu", "JDASK_NUM_WORKERS", "many"), new Properties()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Config::scheduler);
    assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("threads"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, Config::numWorkers);
    assertTrue(e.getMessage().contains("'many'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Config.with(Scheduler.SYNC, 0));
  }

  @Test
  void aScopeAppliesToItsThreadAndRestoresThePreviousChoice() throws Exception {
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Config.set(Scheduler.SYNC);
      try (Config.Scope outer = Config.with(pool)) {
        assertEquals(null, Config.scheduler(), "a user pool is not a named scheduler");
        try (Config.Scope inner = Config.with(Scheduler.SYNC, 2)) {
          assertEquals(Scheduler.SYNC, Config.scheduler());
          assertEquals(2, Config.numWorkers());
          Scheduler elsewhere = CompletableFuture.supplyAsync(() -> Config.current() == null ? null : Config.current().scheduler()).get();
          assertEquals(Scheduler.SYNC, elsewhere, "other threads see the global setting, not this scope");
        }
        assertEquals(null, Config.scheduler(), "the outer scope is back");
      }
      assertEquals(Scheduler.SYNC, Config.scheduler());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void schedulerNamesParseLikeDasks() {
    assertEquals(Scheduler.THREADS, Scheduler.parse("Threaded"));
    assertEquals(Scheduler.SYNC, Scheduler.parse("synchronous"));
    assertEquals(Scheduler.PROCESSES, Scheduler.parse("processes"));
    assertEquals("JDASK_NUM_WORKERS", ConfigSources.envName("num-workers"));
  }
}
