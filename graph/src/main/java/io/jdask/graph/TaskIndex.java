package io.jdask.graph;

/**
 * Task-identity to int map with open addressing, for lowering graphs of millions of tasks: flat
 * arrays instead of an entry object and a boxed Integer per task.
 *
 * <p>The hash is the task's own token ({@link Task#indexHash()}), not
 * {@code System.identityHashCode}, which would write a hash into every object header; and it is
 * stored beside the key, so growing the table never touches the tasks themselves (on large graphs
 * that pointer chase was a third of the lowering time). The arrays are in {@link Pages}, so a
 * large table is not humongous for G1.
 */
final class TaskIndex {
  static final int ABSENT = Integer.MIN_VALUE;

  private Task[][] keys;
  private int[][] hashes;
  private int[][] values;
  private int capacity;
  private int size;
  private int mask;

  TaskIndex(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(cap);
  }

  private void allocate(int cap) {
    keys = Pages.objects(Task.class, cap);
    hashes = Pages.ints(cap);
    values = Pages.ints(cap);
    capacity = cap;
    mask = cap - 1;
  }

  int get(Task key) {
    int h = key.indexHash();
    int i = h & mask;
    while (true) {
      int p = i >>> Pages.SHIFT;
      int slot = i & Pages.MASK;
      Task k = keys[p][slot];
      if (k == key) {
        return values[p][slot];
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
      int p = i >>> Pages.SHIFT;
      int slot = i & Pages.MASK;
      Task k = keys[p][slot];
      if (k == key) {
        values[p][slot] = value;
        return;
      }
      if (k == null) {
        keys[p][slot] = key;
        hashes[p][slot] = h;
        values[p][slot] = value;
        if (++size * 2 > capacity) {
          grow();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    Task[][] oldKeys = keys;
    int[][] oldHashes = hashes;
    int[][] oldValues = values;
    // Quadruple while small: fewer rehashes on the way up to large graphs.
    allocate(capacity < (1 << 20) ? capacity * 4 : capacity * 2);
    size = 0;
    for (int p = 0; p < oldKeys.length; p++) {
      Task[] page = oldKeys[p];
      for (int i = 0; i < page.length; i++) {
        if (page[i] != null) {
          put(page[i], oldHashes[p][i], oldValues[p][i]);
        }
      }
    }
  }
}
