package io.jdask.graph;

/** A growable int array, in {@link Pages}: growing it never copies more than one page. */
public final class IntList {
  private int[][] pages = new int[1][];
  private int[] tail; // the page that the next entry goes to
  private int tailFrom; // the index of tail's first entry
  private int size;

  public IntList(int capacity) {
    tail = pages[0] = new int[Math.max(4, Math.min(Pages.SIZE, capacity))];
  }

  public void add(int v) {
    int slot = size - tailFrom;
    if (slot == tail.length) {
      pages = Pages.ensure(pages, size);
      tail = pages[Pages.page(size)];
      tailFrom = size - Pages.slot(size);
      slot = size - tailFrom;
    }
    tail[slot] = v;
    size++;
  }

  public int get(int i) {
    return Pages.get(pages, i);
  }

  public int size() {
    return size;
  }

  /** Drops the entries from {@code newSize} on; the pages stay, for the entries added next. */
  public void truncate(int newSize) {
    size = newSize;
    if (newSize < tailFrom) {
      int p = Pages.page(newSize);
      tail = pages[p];
      tailFrom = p << Pages.SHIFT;
    }
  }

  /** The entries, in pages of exact length; this list is not to be used after. */
  public int[][] toPages() {
    return Pages.trim(pages, size);
  }
}
