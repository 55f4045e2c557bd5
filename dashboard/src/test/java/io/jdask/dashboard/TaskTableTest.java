package io.jdask.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bar table keeps every field of every bar across its pages, keys rebuilt or kept. */
class TaskTableTest {
  @Test
  void everyBarReadsBackAcrossPages() {
    TaskTable t = new TaskTable();
    int rowA = t.rowOf("threads", "jdask-threads-1");
    int rowB = t.rowOf("threads", "jdask-threads-2");
    int add = t.groupOf("add");
    int load = t.groupOf("load");
    int bars = 3 * 16_384 + 7; // over three page ends
    for (int i = 0; i < bars; i++) {
      boolean even = i % 2 == 0;
      t.add(i / 100, even ? rowA : rowB, even ? add : load, 10L * i, 10L * i + 5, i % 7 == 0, 1 + i % 3,
          i, i % 5 == 0 ? "load-" + i : null);
    }
    assertEquals(bars, t.size());
    for (int i = 0; i < bars; i++) {
      boolean even = i % 2 == 0;
      String at = "bar " + i;
      assertEquals(i / 100, t.run(i), at);
      assertEquals(even ? rowA : rowB, t.row(i), at);
      assertEquals(even ? add : load, t.groupAt(i), at);
      assertEquals(10L * i, t.start(i), at);
      assertEquals(10L * i + 5, t.end(i), at);
      assertEquals(i % 7 == 0, t.failed(i), at);
      assertEquals(1 + i % 3, t.tasks(i), at);
      String expected = i % 5 == 0 ? "load-" + i : (even ? "add" : "load") + "-" + String.format("%016x", i);
      assertEquals(expected, t.key(i), at);
    }
    assertEquals(0, t.dropped());
  }
}
