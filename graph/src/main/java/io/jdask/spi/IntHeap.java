package io.jdask.spi;

import java.util.Arrays;

/**
 * A binary min-heap of ints: the ready queue of every scheduler. Plan nodes are numbered in
 * priority order, so the node number is its own priority and the queue compares plain ints.
 */
public final class IntHeap {
  private int[] heap;
  private int size;

  public IntHeap(int capacity) {
    heap = new int[Math.max(8, capacity)];
  }

  public int size() {
    return size;
  }

  public void add(int v) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int p = heap[parent];
      if (p <= v) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = v;
  }

  /** The smallest value, or -1 when empty. */
  public int peek() {
    return size == 0 ? -1 : heap[0];
  }

  /** Removes everything. */
  public void clear() {
    size = 0;
  }

  /** Removes and returns the smallest value, or -1 when empty. */
  public int poll() {
    if (size == 0) {
      return -1;
    }
    int top = heap[0];
    int last = heap[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int c = heap[child];
      int right = child + 1;
      if (right < size && heap[right] < c) {
        child = right;
        c = heap[child];
      }
      if (last <= c) {
        break;
      }
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
