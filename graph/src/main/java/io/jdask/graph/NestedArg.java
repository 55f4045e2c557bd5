package io.jdask.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A list, set or map argument that contains tasks (at any depth). Dask resolves such arguments
 * before calling the function; so does jdask: the structure is kept as a template whose leaves
 * are tasks or key references, and rebuilt with their results when the task runs (as an
 * {@code ArrayList}, {@code LinkedHashSet} or {@code LinkedHashMap}, in the original order).
 */
final class NestedArg {
  private enum Kind {
    LIST,
    SET,
    MAP
  }

  private final Kind kind;
  private final Object[] items; // for MAP: key0, value0, key1, value1, …
  private Object[] leaves; // tasks and key references, depth-first; computed once

  private NestedArg(Kind kind, Object[] items) {
    this.kind = kind;
    this.items = items;
  }

  /**
   * Normalises one argument: task handles become tasks, and collections that contain tasks
   * become templates. Anything else is returned as is.
   */
  static Object normalize(Object arg) {
    if (arg instanceof TaskHandle h) {
      return h.task();
    }
    if (arg instanceof Collection<?> c && !c.isEmpty()) {
      Object[] items = c.toArray();
      boolean nested = normalizeAll(items);
      return nested ? new NestedArg(c instanceof Set ? Kind.SET : Kind.LIST, items) : arg;
    }
    if (arg instanceof Map<?, ?> m && !m.isEmpty()) {
      Object[] items = new Object[m.size() * 2];
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        items[i++] = e.getKey();
        items[i++] = e.getValue();
      }
      return normalizeAll(items) ? new NestedArg(Kind.MAP, items) : arg;
    }
    return arg;
  }

  private static boolean normalizeAll(Object[] items) {
    boolean nested = false;
    for (int i = 0; i < items.length; i++) {
      Object n = normalize(items[i]);
      items[i] = n;
      nested |= n instanceof Task || n instanceof NestedArg || n instanceof KeyRef;
    }
    return nested;
  }

  /** The structure's kind and items, for tokens. */
  String kindName() {
    return kind.name();
  }

  Object[] items() {
    return items;
  }

  /** The tasks and key references inside, depth-first, in order. */
  Object[] leaves() {
    Object[] l = leaves;
    if (l == null) {
      List<Object> out = new ArrayList<>();
      collect(out);
      l = out.toArray();
      leaves = l;
    }
    return l;
  }

  private void collect(List<Object> out) {
    for (Object item : items) {
      if (item instanceof Task || item instanceof KeyRef) {
        out.add(item);
      } else if (item instanceof NestedArg n) {
        n.collect(out);
      }
    }
  }

  /** Rebuilds the structure, replacing the i-th leaf (depth-first) by {@code values[i]}. */
  Object resolve(Object[] values) {
    int[] cursor = {0};
    return resolve(values, cursor);
  }

  private Object resolve(Object[] values, int[] cursor) {
    Function<Object, Object> leaf =
        item -> {
          if (item instanceof Task || item instanceof KeyRef) {
            return values[cursor[0]++];
          }
          return item instanceof NestedArg n ? n.resolve(values, cursor) : item;
        };
    switch (kind) {
      case LIST -> {
        List<Object> list = new ArrayList<>(items.length);
        for (Object item : items) {
          list.add(leaf.apply(item));
        }
        return list;
      }
      case SET -> {
        Set<Object> set = new LinkedHashSet<>();
        for (Object item : items) {
          set.add(leaf.apply(item));
        }
        return set;
      }
      default -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.length; i += 2) {
          Object k = leaf.apply(items[i]);
          map.put(k, leaf.apply(items[i + 1]));
        }
        return map;
      }
    }
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase() + java.util.Arrays.toString(items);
  }
}
