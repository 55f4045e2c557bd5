package io.jdask.spi;

import io.jdask.graph.Pages;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One runner's ready units in a {@link LocalRun}: a min-heap of unit heads (node numbers are
 * priorities) that its runner fills with the units it made ready and takes its next unit from,
 * and that an idle runner steals from. Each queue has its own monitor, taken once per unit by its
 * owner and never contended unless another runner is out of work: on a trivial task the shared
 * lock this replaced was handed from core to core at every task, with the state it guarded.
 *
 * <p>The run's <em>roots</em> (units that wait for nothing) are not pushed into any queue up
 * front: they stay in one sorted array, and a runner whose queue holds nothing better than the
 * next root claims a few consecutive ones at a time ({@link Roots#claim}). Consecutive roots
 * share their dependents far more often than distant ones, so a runner mostly completes the units
 * it made ready itself, on data in its own core's cache. With one runner, the order of units is
 * exactly the order of one global queue.
 */
final class ReadyQueue {
  private final IntHeap heap = new IntHeap(64);
  /** The roots' cursor as this queue's owner last read it. */
  private int seenCursor;

  /**
   * Owner: adds the {@code count} units of {@code readied}, then removes and returns the
   * highest-priority unit, claiming roots first if the next one comes before everything queued;
   * -1 if there is nothing.
   */
  synchronized int pushAndPoll(int[] readied, int count, Roots roots) {
    for (int i = 0; i < count; i++) {
      heap.add(readied[i]);
    }
    int top = heap.peek();
    // Roots are sorted and only ever claimed forwards, so the root at a cursor read earlier is
    // no later than the next one: while the queue's best comes before it, no root can come
    // first, and the shared cursor (written by every runner's claims) need not be read.
    if (top < 0 || top > roots.at(seenCursor)) {
      seenCursor = roots.cursor();
      int root = roots.at(seenCursor);
      if (root != Integer.MAX_VALUE && (top < 0 || root < top)) {
        roots.claim(heap);
      }
    }
    return heap.poll();
  }

  /** Another runner, out of work: the highest-priority unit, or -1. */
  synchronized int steal() {
    return heap.poll();
  }

  /** Units queued: exact under the monitor, a hint without it. */
  synchronized int size() {
    return heap.size();
  }

  /** Units queued, read without the monitor: a hint for the owner. */
  int sizeHint() {
    return heap.size();
  }

  /** The run's roots, in priority order, claimed a few at a time by whichever runner asks. */
  static final class Roots {
    /** The most roots one claim takes: enough to make the claim rare, few enough to share. */
    static final int MAX_CLAIM = 32;

    private final int[][] roots; // in Pages
    private final int count;
    private final int runners;
    private final AtomicInteger next = new AtomicInteger();

    Roots(int[][] roots, int count, int runners) {
      this.roots = roots;
      this.count = count;
      this.runners = runners;
    }

    int count() {
      return count;
    }

    /** The index of the next unclaimed root. A hint: another runner may claim it first. */
    int cursor() {
      return next.get();
    }

    /** The root at index {@code i}, or {@link Integer#MAX_VALUE} past the last one. */
    int at(int i) {
      return i < count ? Pages.get(roots, i) : Integer.MAX_VALUE;
    }

    boolean exhausted() {
      return next.get() >= count;
    }

    /**
     * Moves the next few roots into {@code heap}: about an eighth of each runner's share of what
     * is left, so that near the end the last roots are spread over the runners rather than held
     * by one, and between 1 and {@value #MAX_CLAIM}.
     */
    void claim(IntHeap heap) {
      int from = next.get();
      int left = count - from;
      if (left <= 0) {
        return;
      }
      int want = Math.max(1, Math.min(MAX_CLAIM, left / (8 * runners)));
      from = next.getAndAdd(want);
      for (int i = from, end = Math.min(count, from + want); i < end; i++) {
        heap.add(Pages.get(roots, i));
      }
    }
  }
}
