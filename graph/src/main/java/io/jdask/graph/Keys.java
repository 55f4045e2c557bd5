package io.jdask.graph;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task keys. A key is {@code group-token}: the group (usually the function's name) groups tasks
 * in progress bars and the dashboard, the token makes the key unique. Tokens of ordinary tasks
 * come from a counter that starts at a random 64-bit value per JVM, so keys made by different
 * clients of one cluster do not collide; pure tasks use a hash of what they compute instead.
 */
public final class Keys {
  private static final AtomicLong NEXT = new AtomicLong(ThreadLocalRandom.current().nextLong() | 1L);

  private Keys() {}

  /** A fresh token, never 0 (0 marks a task whose whole key was given explicitly). */
  static long nextId() {
    long id;
    do {
      id = NEXT.getAndIncrement();
    } while (id == 0);
    return id;
  }

  /** The key of a task of {@code group} with the token {@code id}: the group, '-', 16 hex digits. */
  public static String format(String group, long id) {
    String hex = Long.toHexString(id);
    StringBuilder sb = new StringBuilder(group.length() + 17).append(group).append('-');
    for (int i = hex.length(); i < 16; i++) {
      sb.append('0');
    }
    return sb.append(hex).toString();
  }

  /**
   * The group of a key: the key without its trailing tokens (hex hashes, numbers), like Dask's
   * {@code key_split}: {@code inc-00af3c…} → {@code inc}, {@code chunk-3-4} → {@code chunk}.
   */
  public static String group(String key) {
    int end = key.length();
    while (true) {
      int dash = key.lastIndexOf('-', end - 1);
      if (dash <= 0 || !isToken(key, dash + 1, end)) {
        break;
      }
      end = dash;
    }
    return end == key.length() ? key : key.substring(0, end);
  }

  private static boolean isToken(String key, int from, int to) {
    if (from >= to) {
      return false;
    }
    boolean digits = true;
    boolean hex = true;
    for (int i = from; i < to; i++) {
      char c = key.charAt(i);
      digits &= c >= '0' && c <= '9';
      hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    return digits || (hex && to - from >= 8);
  }
}
