package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PagesTest {
  @Test
  void pagesHoldExactlyTheEntriesAskedFor() {
    assertEquals(0, Pages.ints(0).length);
    assertEquals(1, Pages.ints(1).length);
    assertEquals(1, Pages.ints(Pages.SIZE).length);
    int[][] a = Pages.ints(2 * Pages.SIZE + 3);
    Pages.set(a, 2 * Pages.SIZE + 2, 7);
    assertEquals(3, a.length);
    assertArrayEquals(new int[] {Pages.SIZE, Pages.SIZE, 3},
        new int[] {a[0].length, a[1].length, a[2].length});
    assertEquals(7, a[2][2], "entry 2 * SIZE + 2 is the third of the third page");
    Pages.set(a, Pages.SIZE, 9);
    assertEquals(9, a[1][0], "entry SIZE is the first of the second page");
    String[][] s = Pages.objects(String.class, Pages.SIZE + 1);
    assertSame(String[].class, s[1].getClass());
    assertEquals(1, s[1].length);
  }

  @Test
  void aGrowingListKeepsEveryEntryAcrossPagesAndNeverHoldsAPageTooLarge() {
    IntList list = new IntList(3);
    int n = 3 * Pages.SIZE + 17;
    for (int i = 0; i < n; i++) {
      list.add(i * 31);
    }
    int[][] pages = list.toPages();
    assertEquals(4, pages.length);
    for (int[] page : pages) {
      assertTrue(page.length <= Pages.SIZE);
    }
    assertEquals(17, pages[3].length, "the last page is trimmed to the entries it holds");
    for (int i = 0; i < n; i++) {
      assertEquals(i * 31, Pages.get(pages, i), "entry " + i);
    }
  }

  @Test
  void aListTruncatedBackAcrossPagesGrowsAgainFromThere() {
    IntList list = new IntList(4);
    for (int i = 0; i < 2 * Pages.SIZE + 10; i++) {
      list.add(-1);
    }
    list.truncate(Pages.SIZE - 2); // as the lowering's scratch stack does, past two page ends
    for (int i = Pages.SIZE - 2; i < Pages.SIZE + 3; i++) {
      list.add(i);
    }
    assertEquals(Pages.SIZE + 3, list.size());
    for (int i = Pages.SIZE - 2; i < Pages.SIZE + 3; i++) {
      assertEquals(i, list.get(i), "entry " + i);
    }
    assertEquals(-1, list.get(0));
  }

  @Test
  void growingReferencesKeepsTheirTypeAndValues() {
    Task[][] tasks = new Task[1][];
    Task t = Task.of("a", args -> 1);
    int n = Pages.SIZE + 5;
    for (int i = 0; i < n; i++) {
      tasks = Pages.ensure(tasks, i);
      Pages.set(tasks, i, i % 1000 == 0 ? t : null);
    }
    Task[][] trimmed = Pages.trim(tasks, n);
    assertSame(Task[].class, trimmed[1].getClass());
    assertEquals(5, trimmed[1].length);
    assertSame(t, Pages.get(trimmed, 65_000), "an entry of the first page survives its growth");
    assertNull(Pages.get(trimmed, 65_001));
  }
}
