package io.jdask.graph;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Task-group names derived from functions, the way Dask names keys after the function
 * ({@code inc-…}). A method reference is named after its method; a lambda is "lambda"; any other
 * class after its simple name. The name is computed once per class: lambda classes are per call
 * site, so building a million calls of one function reflects once.
 */
public final class FunctionNames {
  // One slot per class, filled from the first instance seen (a lambda's name needs an instance).
  // Racing fills write the same String, so the unsynchronised slot is benign.
  private static final ClassValue<String[]> NAMES =
      new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
          return new String[1];
        }
      };

  private FunctionNames() {}

  /** The group name of a function (a lambda, method reference or any object). */
  public static String of(Object fn) {
    Object user = fn instanceof TaskFunction tf ? tf.userFunction() : fn;
    String[] slot = NAMES.get(user.getClass());
    String name = slot[0];
    if (name == null) {
      name = nameOf(user);
      slot[0] = name;
    }
    return name;
  }

  /** Checks a user-supplied group name: non-empty, no whitespace. */
  public static String checkGroup(String name) {
    if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "a task group name must be non-empty and without spaces: '" + name + "'");
    }
    return name;
  }

  /**
   * The serialized form of a lambda or method reference, which names its implementation method
   * and carries its captured values; empty for ordinary classes.
   */
  public static Optional<SerializedLambda> serializedLambda(Object fn) {
    if (!(fn instanceof Serializable) || !fn.getClass().isSynthetic()) {
      return Optional.empty();
    }
    try {
      Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      Object replacement = writeReplace.invoke(fn);
      return replacement instanceof SerializedLambda sl ? Optional.of(sl) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String nameOf(Object fn) {
    Optional<SerializedLambda> lambda = serializedLambda(fn);
    if (lambda.isPresent()) {
      String method = lambda.get().getImplMethodName();
      return method.startsWith("lambda$") ? "lambda" : sanitize(method);
    }
    Class<?> type = fn.getClass();
    if (type.isSynthetic() || type.getName().contains("$$Lambda")) {
      return "lambda";
    }
    String simple = type.getSimpleName();
    if (simple.isEmpty()) {
      return "anonymous";
    }
    return sanitize(Character.toLowerCase(simple.charAt(0)) + simple.substring(1));
  }

  private static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.]", "_");
    return s.isEmpty() ? "task" : s;
  }
}
