package io.jdask.graph;

/**
 * Task-identity to int map with open addressing, for lowering graphs of millions of tasks: flat
 * arrays instead of an entry object and a boxed Integer per task.
 *
 * <p>The hash is the task's own token ({@link Task#indexHash()}), not
 * {@code System.identityHashCode}, which would write a hash into every object header; and it is
 * stored beside the key, so growing the table never touches the tasks themselves (on large graphs
 * that pointer chase was a third of the lowering time).
 */
final class TaskIndex {
  static final int ABSENT = Integer.MIN_VALUE;

  private Task[] keys;
  private int[] hashes;
  private int[] values;
  private int size;
  private int mask;

  TaskIndex(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new Task[cap];
    hashes = new int[cap];
    values = new int[cap];
    mask = cap - 1;
  }

  int get(Task key) {
    int h = key.indexHash();
    int i = h & mask;
    while (true) {
      Task k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == null) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  void put(Task key, int value) {
    put(key, key.indexHash(), value);
  }

  private void put(Task key, int h, int value) {
    int i = h & mask;
    while (true) {
      Task k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == null) {
        keys[i] = key;
        hashes[i] = h;
        values[i] = value;
        if (++size * 2 > keys.length) {
          grow();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    Task[] oldKeys = keys;
    int[] oldHashes = hashes;
    int[] oldValues = values;
    // Quadruple while small: fewer rehashes on the way up to large graphs.
    int cap = oldKeys.length < (1 << 20) ? oldKeys.length * 4 : oldKeys.length * 2;
    keys = new Task[cap];
    hashes = new int[cap];
    values = new int[cap];
    mask = cap - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        put(oldKeys[i], oldHashes[i], oldValues[i]);
      }
    }
  }
}
