package io.jdask.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start in README.md compiles as written and prints what the README says. */
class ReadmeQuickStartTest {
  @Test
  void theReadmeQuickStartCompilesAndRuns(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("## Quick start");
    assertTrue(section >= 0, "README.md has a Quick start section");
    Matcher code = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(code.find(section), "the Quick start section has a java block");
    Matcher output = Pattern.compile("```text\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(output.find(code.end()), "the java block is followed by its output");

    Path source = dir.resolve("QuickStart.java");
    Files.writeString(source, code.group(1));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, null, diagnostics,
        "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), source.toString());
    assertEquals(0, rc, "the quick start compiles:\n" + diagnostics);

    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      loader.loadClass("QuickStart").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(stdout);
    }
    List<String> expected = output.group(1).lines().toList();
    List<String> actual = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(expected.size(), actual.size(), "printed:\n" + printed);
    for (int i = 0; i < expected.size(); i++) {
      // Keys carry random tokens; the README shows them as "…".
      String pattern = Pattern.quote(expected.get(i)).replace("…", "\\E[0-9a-f]+\\Q");
      assertTrue(actual.get(i).matches(pattern), "line " + i + ": expected " + expected.get(i) + " got " + actual.get(i));
    }
  }
}
