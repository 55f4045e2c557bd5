package io.jdask.graph;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * The per-graph arrays of the core (indexed by node, edge or hash slot), stored as pages of
 * {@value #SIZE} entries: {@code a[i >>> SHIFT][i & MASK]}.
 *
 * <h2>Why</h2>
 *
 * G1, the default collector, gives any array of half a region or more (512 KB with the 1 MB
 * regions of heaps up to a few GB) a humongous region of its own, and a humongous allocation may
 * start a young pause with a concurrent cycle. A computation of a 200,000-task graph allocated
 * about 35 such arrays (29 MB): the flat columns of its plan and its run, and the copies that
 * grew them. Computing that tree 90 times in a 2 GB heap, a JVM made 106 young pauses, 100 of
 * them humongous starts; with these pages it makes 14 and none, and the computation takes 61 ms
 * instead of 68 (THREADS(2), {@code DashboardOverheadForks}). A page of 65,536 entries is 256 KB
 * of ints or of compressed references, and a growing array adds pages instead of copying itself.
 *
 * <p>The pages of one array all have {@link #SIZE} entries except the last, which may be shorter.
 * The hot paths read these arrays through the static methods here, which the JIT inlines to two
 * loads: the page (from a page table of a few entries, in cache) and the entry.
 *
 * <p>The price is that second load and its bounds check, on graphs of any size: a 10,000-task
 * chain, unfused, computes in 1.65 ms instead of 1.43 on SYNC (+16%, {@code ChainBenchmark}),
 * about 10 ns a task more to lower and 10 ns more to run. Large graphs gain far more than that:
 * the 200k-task tree computes 15% faster on SYNC, and lowers in 35 ms instead of 47 ({@code
 * TreeSumBenchmark}, {@code BuildBenchmark}). (Numbering tasks in place, see {@link Lowering},
 * has since made lowering three times faster and the chain 1.41 ms.)
 */
public final class Pages {
  /** log2 of the entries per page. */
  public static final int SHIFT = 16;
  /** Entries per page: 256 KB of ints, well under half of G1's smallest region. */
  public static final int SIZE = 1 << SHIFT;
  /** The index within a page. */
  public static final int MASK = SIZE - 1;
  /** Entries of a growing array's first page to begin with. */
  private static final int FIRST_PAGE = 64;

  private Pages() {}

  /** The page of entry {@code i}. */
  public static int page(int i) {
    return i >>> SHIFT;
  }

  /** The slot of entry {@code i} within its page. */
  public static int slot(int i) {
    return i & MASK;
  }

  /** The number of pages that hold {@code n} entries. */
  public static int count(int n) {
    return (n + MASK) >>> SHIFT;
  }

  /** The length of page {@code p} of an array of {@code n} entries. */
  private static int pageLength(int n, int p) {
    return Math.min(SIZE, n - (p << SHIFT));
  }

  /** {@code n} ints, all zero. */
  public static int[][] ints(int n) {
    int[][] a = new int[count(n)][];
    for (int p = 0; p < a.length; p++) {
      a[p] = new int[pageLength(n, p)];
    }
    return a;
  }

  /** {@code n} null references of type {@code type}. */
  @SuppressWarnings("unchecked")
  public static <T> T[][] objects(Class<T> type, int n) {
    T[][] a = (T[][]) Array.newInstance(type.arrayType(), count(n));
    for (int p = 0; p < a.length; p++) {
      a[p] = (T[]) Array.newInstance(type, pageLength(n, p));
    }
    return a;
  }

  /**
   * Makes room for entry {@code i} of a growing array, whose entries below {@code i} are in
   * place: returns {@code a}, or a longer page table holding the same pages. The first page
   * grows by doubling, from a few entries, so a small graph holds small arrays; the pages after
   * it are made whole.
   */
  public static int[][] ensure(int[][] a, int i) {
    a = ensurePageTable(a, i);
    int p = i >>> SHIFT;
    int[] page = a[p];
    if (page == null) {
      a[p] = new int[grownLength(0, i)];
    } else if ((i & MASK) >= page.length) {
      a[p] = Arrays.copyOf(page, grownLength(page.length, i));
    }
    return a;
  }

  /** As {@link #ensure(int[][], int)}, for references. */
  @SuppressWarnings("unchecked")
  public static <T> T[][] ensure(T[][] a, int i) {
    a = ensurePageTable(a, i);
    int p = i >>> SHIFT;
    T[] page = a[p];
    if (page == null) {
      a[p] = (T[]) Array.newInstance(a.getClass().getComponentType().getComponentType(),
          grownLength(0, i));
    } else if ((i & MASK) >= page.length) {
      a[p] = Arrays.copyOf(page, grownLength(page.length, i));
    }
    return a;
  }

  /** A page of {@code length} entries grown to hold entry {@code i}: doubled on the first page, whole after it. */
  private static int grownLength(int length, int i) {
    if (i >= SIZE) {
      return SIZE;
    }
    return Math.min(SIZE, Math.max(Math.max(FIRST_PAGE, length * 2), Integer.highestOneBit(i) << 1));
  }

  private static <A> A[] ensurePageTable(A[] a, int i) {
    int p = i >>> SHIFT;
    return p < a.length ? a : Arrays.copyOf(a, Math.max(p + 1, a.length * 2));
  }

  /** The first {@code n} entries of a grown array, in pages of exactly the lengths {@link #ints(int)} gives. */
  public static int[][] trim(int[][] a, int n) {
    int[][] t = Arrays.copyOf(a, count(n));
    for (int p = 0; p < t.length; p++) {
      int length = pageLength(n, p);
      if (t[p].length != length) {
        t[p] = Arrays.copyOf(t[p], length);
      }
    }
    return t;
  }

  /** As {@link #trim(int[][], int)}, for references. */
  public static <T> T[][] trim(T[][] a, int n) {
    T[][] t = Arrays.copyOf(a, count(n));
    for (int p = 0; p < t.length; p++) {
      int length = pageLength(n, p);
      if (t[p].length != length) {
        t[p] = Arrays.copyOf(t[p], length);
      }
    }
    return t;
  }

  public static int get(int[][] a, int i) {
    return a[i >>> SHIFT][i & MASK];
  }

  public static void set(int[][] a, int i, int v) {
    a[i >>> SHIFT][i & MASK] = v;
  }

  public static <T> T get(T[][] a, int i) {
    return a[i >>> SHIFT][i & MASK];
  }

  public static <T> void set(T[][] a, int i, T v) {
    a[i >>> SHIFT][i & MASK] = v;
  }
}
