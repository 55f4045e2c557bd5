package io.jdask;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration that does not come from code, in order of precedence: Java system
 * properties ({@code -Djdask.scheduler=threads}), environment variables
 * ({@code JDASK_SCHEDULER=threads}), and a {@code jdask.properties} file ({@code scheduler=threads})
 * read from the working directory or, failing that, the classpath root.
 */
final class ConfigSources {
  private final Properties system;
  private final Map<String, String> env;
  private final Properties file;

  ConfigSources(Properties system, Map<String, String> env, Properties file) {
    this.system = system;
    this.env = env;
    this.file = file;
  }

  static ConfigSources fromEnvironment() {
    return new ConfigSources(System.getProperties(), System.getenv(), loadFile());
  }

  private static Properties loadFile() {
    Properties p = new Properties();
    Path local = Path.of("jdask.properties");
    try {
      if (Files.isRegularFile(local)) {
        try (InputStream in = Files.newInputStream(local)) {
          p.load(in);
        }
      } else {
        try (InputStream in = ConfigSources.class.getClassLoader().getResourceAsStream("jdask.properties")) {
          if (in != null) {
            p.load(in);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read jdask.properties", e);
    }
    return p;
  }

  /** The value of a key such as "scheduler" or "processes.worker-heap", if set anywhere. */
  Optional<String> get(String key) {
    String v = system.getProperty("jdask." + key);
    if (v == null) {
      v = env.get(envName(key));
    }
    if (v == null) {
      v = file.getProperty(key);
    }
    return Optional.ofNullable(v).map(String::trim).filter(s -> !s.isEmpty());
  }

  /** "num-workers" → "JDASK_NUM_WORKERS". */
  static String envName(String key) {
    return "JDASK_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
