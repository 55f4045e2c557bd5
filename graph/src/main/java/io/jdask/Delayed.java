package io.jdask;

import io.jdask.graph.GraphDot;
import io.jdask.graph.Task;
import io.jdask.graph.TaskFunction;
import io.jdask.graph.TaskHandle;
import io.jdask.graph.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A value that will be computed: the result of a function call whose arguments may themselves
 * be {@code Delayed}. Building one runs nothing and costs O(1): it holds its task, and the task
 * holds references to the tasks it depends on. {@link #compute()} collects the graph once,
 * optimises it and runs it on the configured {@link Scheduler}.
 *
 * <pre>{@code
 * Delayed<Integer> a = Delayed.of(Example::inc).call(1);
 * Delayed<Integer> b = Delayed.of((Integer x, Integer y) -> x + y).call(a, 10);
 * int r = b.compute(); // 12
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class Delayed<T> implements TaskHandle {
  private static final TaskFunction LIST = new ListOf();

  private final Task task;

  private Delayed(Task task) {
    this.task = task;
  }

  // ---- building --------------------------------------------------------------------------

  public static <R> DelayedFn0<R> of(Fn0<R> fn) {
    return new DelayedFn0<>(fn);
  }

  public static <A, R> DelayedFn1<A, R> of(Fn1<A, R> fn) {
    return new DelayedFn1<>(fn);
  }

  public static <A, B, R> DelayedFn2<A, B, R> of(Fn2<A, B, R> fn) {
    return new DelayedFn2<>(fn);
  }

  public static <A, B, C, R> DelayedFn3<A, B, C, R> of(Fn3<A, B, C, R> fn) {
    return new DelayedFn3<>(fn);
  }

  public static <A, B, C, D, R> DelayedFn4<A, B, C, D, R> of(Fn4<A, B, C, D, R> fn) {
    return new DelayedFn4<>(fn);
  }

  public static <A, B, C, D, E, R> DelayedFn5<A, B, C, D, E, R> of(Fn5<A, B, C, D, E, R> fn) {
    return new DelayedFn5<>(fn);
  }

  public static <A, B, C, D, E, F, R> DelayedFn6<A, B, C, D, E, F, R> of(
      Fn6<A, B, C, D, E, F, R> fn) {
    return new DelayedFn6<>(fn);
  }

  /** A plain value as a {@code Delayed}; it is inlined into the tasks that use it. */
  public static <T> Delayed<T> value(T value) {
    return new Delayed<>(Task.data("value", value));
  }

  /** One {@code Delayed} list of several values; computing it computes them all. */
  @SafeVarargs
  public static <T> Delayed<List<T>> list(Delayed<? extends T>... items) {
    return new Delayed<>(Task.ofCall(LIST, "list", null, Arrays.copyOf(items, items.length, Object[].class)));
  }

  /** One {@code Delayed} list of several values; computing it computes them all. */
  public static <T> Delayed<List<T>> list(Collection<? extends Delayed<? extends T>> items) {
    return new Delayed<>(Task.ofCall(LIST, "list", null, items.toArray()));
  }

  /**
   * Wraps a low-level task (see {@link io.jdask.graph.Task} and {@link io.jdask.graph.TaskGraph})
   * so that it composes with {@code Delayed} values and can be computed. The type is the
   * caller's claim.
   */
  public static <T> Delayed<T> fromTask(Task task) {
    return new Delayed<>(Objects.requireNonNull(task, "task"));
  }

  /** A lazy transformation of this value: {@code fn} runs on the result when it is computed. */
  public <R> Delayed<R> then(Fn1<? super T, ? extends R> fn) {
    return bind(new DelayedThen(fn), io.jdask.graph.FunctionNames.of(fn), false, new Object[] {this});
  }

  static <R> Delayed<R> bind(TaskFunction fn, String name, boolean pure, Object[] args) {
    if (!pure) {
      return new Delayed<>(Task.ofCall(fn, name, null, args));
    }
    Object[] normalized = Task.normalizeArgs(args);
    String key = name + "-" + Tokens.of(fn, normalized);
    return new Delayed<>(Task.ofCall(fn, name, key, normalized));
  }

  // ---- running ---------------------------------------------------------------------------

  /**
   * Computes the value on the configured scheduler.
   *
   * @throws TaskFailedException if a task throws; it names the task and carries the exception
   * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
   */
  @SuppressWarnings("unchecked")
  public T compute() {
    return (T) Jdask.compute(this).get(0);
  }

  /**
   * Computes the value now and returns a {@code Delayed} that holds it under the same key, so
   * later graphs built on it do not compute it again.
   */
  public Delayed<T> persist() {
    return new Delayed<>(Jdask.persistTasks(List.of(task)).get(0));
  }

  // ---- inspecting ------------------------------------------------------------------------

  /** The key: the function's name and a unique (or, for pure calls, deterministic) token. */
  public String key() {
    return task.key();
  }

  /** The low-level task behind this value. */
  @Override
  public Task task() {
    return task;
  }

  /** The graph behind this value in Graphviz DOT. */
  public String toDot() {
    return GraphDot.of(List.of(task));
  }

  @Override
  public String toString() {
    return "Delayed('" + key() + "')";
  }

  private static final class ListOf implements TaskFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(Object[] args) {
      return new ArrayList<>(Arrays.asList(args));
    }
  }

  private static final class DelayedThen implements TaskFunction {
    private static final long serialVersionUID = 1L;
    private final Fn1<Object, Object> fn;

    @SuppressWarnings("unchecked")
    DelayedThen(Fn1<?, ?> fn) {
      this.fn = (Fn1<Object, Object>) Objects.requireNonNull(fn, "fn");
    }

    @Override
    public Object apply(Object[] args) throws Exception {
      return fn.apply(args[0]);
    }

    @Override
    public Object userFunction() {
      return fn;
    }
  }
}
