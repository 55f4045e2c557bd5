package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
  static int twice(int x) {
    return 2 * x;
  }

  static int thrice(int x) {
    return 3 * x;
  }

  interface IntFn extends java.io.Serializable {
    int apply(int x);
  }

  @Test
  void equalFunctionsAndArgumentsGiveEqualTokens() {
    IntFn f = TokensTest::twice;
    IntFn g = TokensTest::twice;
    assertEquals(Tokens.of(f, new Object[] {1, "a", List.of(1, 2)}), Tokens.of(g, new Object[] {1, "a", List.of(1, 2)}));
  }

  @Test
  void differentFunctionsArgumentsOrCapturesGiveDifferentTokens() {
    IntFn f = TokensTest::twice;
    IntFn h = TokensTest::thrice;
    assertNotEquals(Tokens.of(f, new Object[] {1}), Tokens.of(h, new Object[] {1}));
    assertNotEquals(Tokens.of(f, new Object[] {1}), Tokens.of(f, new Object[] {2}));
    assertNotEquals(Tokens.of(f, new Object[] {1}), Tokens.of(f, new Object[] {1L}), "types matter");
    int k1 = 1;
    int k2 = 2;
    IntFn c1 = x -> x + k1;
    IntFn c2 = x -> x + k2;
    assertNotEquals(Tokens.of(c1, new Object[] {0}), Tokens.of(c2, new Object[] {0}));
  }

  @Test
  void setsAndMapsHashByContent() {
    IntFn f = TokensTest::twice;
    Set<String> s1 = new HashSet<>(List.of("a", "b", "c"));
    Set<String> s2 = new HashSet<>(List.of("c", "b", "a"));
    assertEquals(Tokens.of(f, new Object[] {s1}), Tokens.of(f, new Object[] {s2}));
    assertEquals(Tokens.of(f, new Object[] {Map.of("k", 1)}), Tokens.of(f, new Object[] {Map.of("k", 1)}));
    assertEquals(Tokens.of(f, new Object[] {new int[] {1, 2}}), Tokens.of(f, new Object[] {new int[] {1, 2}}));
  }

  @Test
  void objectsWithoutADeterministicFormAreNeverMerged() {
    IntFn f = TokensTest::twice;
    Object opaque = new Object();
    assertNotEquals(Tokens.of(f, new Object[] {opaque}), Tokens.of(f, new Object[] {opaque}));
  }
}
