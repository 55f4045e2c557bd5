package io.jdask.graph;

import java.util.Arrays;

/** A growable int array. */
final class IntList {
  private int[] data;
  private int size;

  IntList(int capacity) {
    data = new int[Math.max(4, capacity)];
  }

  void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, data.length + (data.length >> 1));
    }
    data[size++] = v;
  }

  int get(int i) {
    return data[i];
  }

  void set(int i, int v) {
    data[i] = v;
  }

  int size() {
    return size;
  }

  void truncate(int newSize) {
    size = newSize;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
