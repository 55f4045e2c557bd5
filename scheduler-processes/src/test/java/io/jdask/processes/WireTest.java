package io.jdask.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {
  @Test
  void ordinaryValuesAndExceptionsPassTheFilter() throws IOException {
    Object[] values = {List.of(1, "two", 3.0), Map.of("k", new int[] {1, 2}), new ArithmeticException("/ by zero"),
        new IllegalStateException("x", new RuntimeException("cause"))};
    for (Object v : values) {
      Object back = Wire.decode(Wire.encode(v), getClass().getClassLoader());
      assertEquals(v.getClass(), back.getClass());
    }
  }

  @Test
  void gadgetClassesAreRefusedByNameOrPackage() {
    assertTrue(Wire.denied("java.lang.Runtime"));
    assertTrue(Wire.denied("org.apache.commons.collections.functors.InvokerTransformer"));
    assertTrue(Wire.denied("javax.management.BadAttributeValueExpException"));
    assertFalse(Wire.denied("java.lang.RuntimeException"), "an exact name is not a prefix");
    assertFalse(Wire.denied("java.lang.ProcessBuilderish"));
  }

  @Test
  void aRefusedClassFailsTheWholeFrame() throws Exception {
    // javax.management.openmbean types are serializable and refused: stand-ins for a gadget.
    byte[] frame = Wire.encode(new Object[] {1, new javax.management.ObjectName("a:b=c")});
    IOException e = assertThrows(IOException.class, () -> Wire.decode(frame, getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("filter"), e.getMessage());
  }

  @Test
  void theHandshakeNeedsTheExactToken() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Wire.writeHandshake(new DataOutputStream(bytes), "secret-1");
    assertTrue(Wire.readHandshake(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "secret-1"));
    assertFalse(Wire.readHandshake(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "secret-2"));
  }

  static final class Holder implements Serializable {
    final Object inside;

    Holder(Object inside) {
      this.inside = inside;
    }
  }

  @Test
  void aValueThatCannotTravelIsNamedWithAFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Wire.requireSerializable(new Holder(new Object()), "the lambda Foo.bar"));
    assertTrue(e.getMessage().contains("the lambda Foo.bar") && e.getMessage().contains("java.lang.Object")
        && e.getMessage().contains("Serializable"), e.getMessage());
  }
}
