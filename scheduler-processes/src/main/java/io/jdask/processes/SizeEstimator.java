package io.jdask.processes;

import java.util.Collection;
import java.util.Map;

/**
 * A cheap estimate of a result's size in bytes, for placing a task where most of its input bytes
 * already are. Exact for arrays and strings, which is where large results live; a rough constant
 * per element for collections; a small constant otherwise. Never serialises anything.
 */
final class SizeEstimator {
  private static final int OBJECT = 16;

  private SizeEstimator() {}

  static long estimate(Object o) {
    return estimate(o, 2);
  }

  private static long estimate(Object o, int depth) {
    if (o == null) {
      return 0;
    }
    if (o instanceof byte[] a) {
      return 16L + a.length;
    }
    if (o instanceof double[] a) {
      return 16L + 8L * a.length;
    }
    if (o instanceof long[] a) {
      return 16L + 8L * a.length;
    }
    if (o instanceof int[] a) {
      return 16L + 4L * a.length;
    }
    if (o instanceof float[] a) {
      return 16L + 4L * a.length;
    }
    if (o instanceof String s) {
      return 40L + s.length();
    }
    if (o instanceof Object[] a) {
      long sum = 16L + 4L * a.length;
      for (int i = 0; i < Math.min(a.length, 8) && depth > 0; i++) {
        sum += estimate(a[i], depth - 1) * a.length / Math.min(a.length, 8);
      }
      return sum;
    }
    if (o instanceof Collection<?> c) {
      long per = OBJECT;
      if (depth > 0 && !c.isEmpty()) {
        per += estimate(c.iterator().next(), depth - 1);
      }
      return 32L + per * c.size();
    }
    if (o instanceof Map<?, ?> m) {
      return 48L + 64L * m.size();
    }
    return OBJECT;
  }
}
