package io.jdask.processes;

import io.jdask.processes.SerializationBenchmark.Codec;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * What each codec of {@link SerializationBenchmark} does with the values that decide the choice
 * beyond speed: a class on jdask's deny-list, a remote exception, a user class whose
 * {@code readObject} rebuilds a transient field, and a value that is not {@code Serializable}
 * (which java.io refuses, and which jdask's "fails before any task runs" check relies on).
 * Prints one line per codec and case:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *   --add-opens=java.base/java.lang.invoke=ALL-UNNAMED io.jdask.processes.SerializationProbe
 * </pre>
 *
 * Kryo reads JDK classes it has no serializer for field by field, so on JDK 17 it needs their
 * packages opened too ({@code --add-opens=java.base/java.lang=ALL-UNNAMED} for exceptions,
 * {@code --add-opens=java.management/javax.management=ALL-UNNAMED} to get the denied class as far
 * as the receiver's check).
 */
public final class SerializationProbe {
  private SerializationProbe() {}

  /** A user class that keeps a derived table out of the stream and rebuilds it on arrival. */
  static final class Rebuilt implements Serializable {
    private static final long serialVersionUID = 1L;
    final int size;
    transient int[] table;

    Rebuilt(int size) {
      this.size = size;
      this.table = new int[size];
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      table = new int[size];
    }
  }

  /** Not Serializable. */
  static final class Plain {
    int x = 1;
  }

  record Case(String name, Object value, Function<Object, String> verdict) {}

  public static void main(String[] args) throws Exception {
    List<Case> cases = List.of(
        new Case("denied class (javax.management.ObjectName)", new ObjectName("jdask:type=probe"),
            got -> "ACCEPTED (not refused)"),
        new Case("remote exception with cause", new IllegalStateException("boom", new ArithmeticException("div")),
            got -> got instanceof IllegalStateException e && "boom".equals(e.getMessage())
                && e.getCause() instanceof ArithmeticException && e.getStackTrace().length > 0
                ? "ok (message, cause, " + e.getStackTrace().length + " frames)" : "BROKEN: " + got),
        new Case("readObject rebuilds a transient field", new Rebuilt(4),
            got -> got instanceof Rebuilt r && r.table != null && r.table.length == 4
                ? "ok (readObject honoured)" : "BROKEN: readObject not called, transient field is null"),
        new Case("value that is not Serializable", new Plain(),
            got -> got instanceof Plain ? "sent anyway (no Serializable check)" : "BROKEN: " + got));
    System.out.printf(Locale.ROOT, "Fory's built-in disallowed list: %d classes; holds %s: %b%n",
        org.apache.fory.resolver.DisallowedList.getDisallowedClasses().size(), ObjectName.class.getName(),
        org.apache.fory.resolver.DisallowedList.contains(ObjectName.class.getName()));
    for (String name : List.of("javaio", "fory", "kryo")) {
      Codec codec = Codec.of(name);
      for (Case c : cases) {
        Message m = SerializationBenchmark.finished(c.value());
        String verdict;
        try {
          Object got = ((Message.UnitFinished) codec.roundTrip(m)).value();
          verdict = c.verdict().apply(got);
        } catch (Throwable t) {
          Throwable root = t;
          while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
          }
          verdict = "refused: " + firstLine(root.toString());
        }
        System.out.printf(Locale.ROOT, "%-7s %-44s %s%n", name, c.name(), verdict);
      }
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    s = nl < 0 ? s : s.substring(0, nl);
    return s.length() > 140 ? s.substring(0, 140) + "..." : s;
  }
}
