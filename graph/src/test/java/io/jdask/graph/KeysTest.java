package io.jdask.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void theGroupIsTheKeyWithoutTrailingTokens() {
    assertEquals("inc", Keys.group("inc-00af3c5e9b1d2e4f"));
    assertEquals("chunk", Keys.group("chunk-3-4"));
    assertEquals("load-csv", Keys.group("load-csv-12"));
    assertEquals("x", Keys.group("x"));
    assertEquals("abc-def", Keys.group("abc-def"), "short hex-looking words are kept");
  }

  @Test
  void generatedKeysAreUniqueAndCarryTheirGroup() {
    Task a = Task.of("work", args -> 1);
    Task b = Task.of("work", args -> 1);
    assertNotEquals(a.key(), b.key());
    assertEquals("work", Keys.group(a.key()));
    assertEquals(a.key(), a.key(), "a key is stable");
  }
}
