package io.jdask.graph;

import java.util.Arrays;

/**
 * Object-identity to int map with open addressing, for lowering graphs of millions of tasks:
 * two flat arrays instead of an entry object and a boxed Integer per task.
 */
final class IdentityIndex {
  static final int ABSENT = Integer.MIN_VALUE;

  private Object[] keys;
  private int[] values;
  private int size;
  private int mask;

  IdentityIndex(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new Object[cap];
    values = new int[cap];
    mask = cap - 1;
  }

  int get(Object key) {
    int i = slot(key);
    while (true) {
      Object k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == null) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  void put(Object key, int value) {
    int i = slot(key);
    while (true) {
      Object k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == null) {
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
          grow();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private int slot(Object key) {
    int h = System.identityHashCode(key);
    return (h ^ (h >>> 16)) * 0x9E3779B1 & mask;
  }

  private void grow() {
    Object[] oldKeys = keys;
    int[] oldValues = values;
    keys = new Object[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  void clear() {
    Arrays.fill(keys, null);
    size = 0;
  }
}
