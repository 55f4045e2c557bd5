package io.jdask.contract;

import java.util.List;

/** Ordinary functions used by the contract tests, as a user would write them. */
public final class Fixtures {
  private Fixtures() {}

  public static int inc(int x) {
    return x + 1;
  }

  public static int add(int x, int y) {
    return x + y;
  }

  public static int square(int x) {
    return x * x;
  }

  public static int sum(List<Integer> xs) {
    return xs.stream().mapToInt(Integer::intValue).sum();
  }

  public static int divide(int x, int y) {
    return x / y;
  }

  public static int sleepThenReturn(int millis, int value) throws InterruptedException {
    Thread.sleep(millis);
    return value;
  }

  public static byte[] mebibyte(int seed) {
    byte[] b = new byte[1 << 20];
    b[seed % b.length] = 1;
    return b;
  }

  /** Combines leaf arrays (or partial counts) into a count of set bytes. */
  public static long combine(Object left, Object right) {
    return count(left) + count(right);
  }

  private static long count(Object o) {
    if (o instanceof byte[] b) {
      long n = 0;
      for (byte x : b) {
        n += x;
      }
      return n;
    }
    return (Long) o;
  }
}
