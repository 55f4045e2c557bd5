package io.jdask.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One node of a lazy graph: a function and its arguments, or a piece of data. This is the
 * low-level building block: libraries that generate many tasks (array chunks, dataframe
 * partitions) create {@code Task}s directly instead of one {@code Delayed} per task.
 *
 * <p>An argument may be a plain value, another {@code Task} (or anything that is a
 * {@link TaskHandle}), a {@link KeyRef} to a task of the same {@link TaskGraph}, or a list, set or
 * map containing any of those; tasks are replaced by their results before the function runs.
 *
 * <p>A task is immutable and small (a function, an argument array, a name and a 64-bit token):
 * its key string is made only when asked for. (Two package-private fields are the lowering's
 * scratch, not part of what the task is; see {@code Lowering}.)
 */
public final class Task {
  private static final Object[] NO_ARGS = new Object[0];
  private static final long EXPLICIT_KEY = 0L;

  private final TaskFunction function; // null for data
  private final Object[] args; // for data: {value}
  private final String name; // the whole key when id == EXPLICIT_KEY, else the group
  private final long id;
  private final TaskGraph owner; // resolves KeyRef arguments; null outside a TaskGraph
  // Scratch of the one lowering at a time that numbers tasks in place (see Lowering): the id of
  // the lowering that numbered this task last, and the node it got there.
  long loweredBy;
  int loweredNode;

  private Task(TaskFunction function, Object[] args, String name, long id, TaskGraph owner) {
    this.function = function;
    this.args = args;
    this.name = name;
    this.id = id;
    this.owner = owner;
  }

  /** A task with a unique key in the function's group, e.g. {@code inc-7f3a…}. */
  public static Task of(TaskFunction fn, Object... args) {
    return of(FunctionNames.of(fn), fn, args);
  }

  /** A task with a unique key in the given group. */
  public static Task of(String group, TaskFunction fn, Object... args) {
    Objects.requireNonNull(fn, "fn");
    return new Task(fn, normalize(args.clone(), null), group, Keys.nextId(), null);
  }

  /**
   * A task with the given key. Two tasks with equal keys stand for the same result, and only one
   * of them is computed (the rule that makes pure keys deduplicate).
   */
  public static Task keyed(String key, TaskFunction fn, Object... args) {
    Objects.requireNonNull(fn, "fn");
    return new Task(fn, normalize(args.clone(), null), checkKey(key), EXPLICIT_KEY, null);
  }

  /** A piece of data with a fresh key in group {@code group}; inlined where it is used. */
  public static Task data(String group, Object value) {
    return new Task(null, new Object[] {value}, group, Keys.nextId(), null);
  }

  /** A piece of data under the given key (for example a persisted result). */
  public static Task keyedData(String key, Object value) {
    return new Task(null, new Object[] {value}, checkKey(key), EXPLICIT_KEY, null);
  }

  /** Internal factory for callers that hand over a fresh argument array (no defensive copy). */
  static Task ofOwnedArgs(TaskFunction fn, String name, long id, Object[] args, TaskGraph owner) {
    return new Task(fn, normalize(args, owner), id == EXPLICIT_KEY ? checkKey(name) : name, id, owner);
  }

  /**
   * A task built by {@code Delayed}: {@code args} is a fresh array the caller gives up; when
   * {@code key} is non-null it is the whole key (pure tasks), otherwise a unique key is made.
   */
  public static Task ofCall(TaskFunction fn, String group, String key, Object[] args) {
    return key == null
        ? new Task(fn, normalize(args, null), group, Keys.nextId(), null)
        : new Task(fn, normalize(args, null), key, EXPLICIT_KEY, null);
  }

  /** Normalises the arguments of a call so that a token can be computed from them. */
  public static Object[] normalizeArgs(Object[] args) {
    return normalize(args, null);
  }

  private static Object[] normalize(Object[] args, TaskGraph owner) {
    if (args.length == 0) {
      return NO_ARGS;
    }
    for (int i = 0; i < args.length; i++) {
      Object a = NestedArg.normalize(args[i]);
      if (owner == null && (a instanceof KeyRef || (a instanceof NestedArg n && hasKeyRef(n)))) {
        throw new IllegalArgumentException(
            "a key reference " + a + " is only meaningful inside a TaskGraph; use TaskGraph.builder()");
      }
      args[i] = a;
    }
    return args;
  }

  private static boolean hasKeyRef(NestedArg n) {
    for (Object leaf : n.leaves()) {
      if (leaf instanceof KeyRef) {
        return true;
      }
    }
    return false;
  }

  private static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a task key must be non-empty");
    }
    return key;
  }

  /** The task's key, unique within a computation (equal keys mean equal results). */
  public String key() {
    return id == EXPLICIT_KEY ? name : Keys.format(name, id);
  }

  /**
   * The token of a generated key ({@code group-} and 16 hex digits, as {@link Keys#format}
   * writes it), or 0 for a key given whole. With it, a recorder can keep a key as the group
   * and a long, and make the string only when someone reads it.
   */
  public long keyId() {
    return id;
  }

  /** The task's group: the function name, or the key without its trailing tokens. */
  public String group() {
    return id == EXPLICIT_KEY ? Keys.group(name) : name;
  }

  /** True for a piece of data rather than a function call. */
  public boolean isData() {
    return function == null;
  }

  /** The function, or null for data. */
  public TaskFunction function() {
    return function;
  }

  /** The value of a data task. */
  public Object value() {
    if (function != null) {
      throw new IllegalStateException(key() + " is a task, not data");
    }
    return args[0];
  }

  /** The arguments as built (tasks, key references and templates of nested collections). */
  public int argCount() {
    return function == null ? 0 : args.length;
  }

  Object arg(int i) {
    return args[i];
  }

  /**
   * A well-mixed hash for {@link TaskIndex}: from the token, or from the key string (whose hash
   * the String caches) when the key was given.
   */
  int indexHash() {
    long x = id == EXPLICIT_KEY ? name.hashCode() : id;
    x *= 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  boolean hasExplicitKey() {
    return id == EXPLICIT_KEY;
  }

  TaskGraph owner() {
    return owner;
  }

  /** The tasks this one depends on directly, in argument order (key references resolved). */
  public List<Task> dependencies() {
    List<Task> deps = new ArrayList<>();
    for (int i = 0; i < argCount(); i++) {
      Object a = args[i];
      if (a instanceof NestedArg n) {
        for (Object leaf : n.leaves()) {
          deps.add(resolve(leaf));
        }
      } else if (a instanceof Task || a instanceof KeyRef) {
        deps.add(resolve(a));
      }
    }
    return deps;
  }

  /** Resolves a dependency reference made by this task: a task, or a key of its graph. */
  Task resolve(Object ref) {
    if (ref instanceof Task t) {
      return t;
    }
    String key = ((KeyRef) ref).key();
    Task t = owner.get(key);
    if (t == null) {
      throw new IllegalArgumentException(
          "task '" + key() + "' refers to key '" + key + "', which is not in its graph");
    }
    return t;
  }

  @Override
  public String toString() {
    return function == null ? "Data(" + key() + ")" : "Task(" + key() + ")";
  }
}
