package io.jdask.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jdask.spi.BackendSettings;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessesSettingsTest {
  @Test
  void relativeClassPathEntriesBecomeAbsoluteBecauseWorkersRunElsewhere() {
    String cwd = Path.of("").toAbsolutePath().toString();
    String cp = "examples/target/classes" + File.pathSeparator + "/opt/lib/a.jar" + File.pathSeparator + "libs/*";
    assertEquals(String.join(File.pathSeparator, cwd + "/examples/target/classes", "/opt/lib/a.jar", "libs/*"),
        ProcessesBackend.absoluteClassPath(cp));
  }

  @Test
  void settingsComeFromConfigurationKeysWithDefaults() {
    Map<String, String> keys = Map.of("processes.threads-per-worker", "3", "processes.worker-heap", "2g",
        "processes.jvm-options", "-Dx=1  -Dy=2", "processes.prefetch", "5");
    ProcessesSettings s = ProcessesSettings.from(
        new BackendSettings("processes", 4, null, k -> Optional.ofNullable(keys.get(k))));
    assertEquals(4, s.workers());
    assertEquals(3, s.threadsPerWorker());
    assertEquals("2g", s.heap());
    assertEquals(List.of("-Dx=1", "-Dy=2"), s.jvmOptions());
    assertEquals(5, s.prefetch());
    ProcessesSettings d = ProcessesSettings.from(new BackendSettings("processes", 2, null, k -> Optional.empty()));
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), d.threadsPerWorker());
    assertEquals(null, d.heap());
    assertThrows(IllegalArgumentException.class, () -> ProcessesSettings.from(
        new BackendSettings("processes", 2, null, k -> k.equals("processes.threads-per-worker") ? Optional.of("0") : Optional.empty())));
  }
}
