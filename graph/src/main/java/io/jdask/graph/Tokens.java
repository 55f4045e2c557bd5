package io.jdask.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic tokens for pure tasks, like Dask's {@code tokenize}: equal function and equal
 * arguments give an equal token in any JVM, so the same call built twice gets one key.
 *
 * <p>A function is identified by its implementation method and captured values (for lambdas
 * and method references) or by its class and serialized form. Arguments are hashed by value:
 * strings, numbers, enums, lists, maps, sets and arrays structurally, tasks by key, other
 * serializable objects by their serialized bytes. An object that is neither gets a random token,
 * so its calls are never merged (the safe side of a miss).
 */
public final class Tokens {
  private static final Logger log = LoggerFactory.getLogger(Tokens.class);

  private Tokens() {}

  /** A 32-hex-digit token of a function and its (normalised) arguments. */
  public static String of(Object function, Object[] args) {
    MessageDigest md = sha256();
    feedFunction(md, function instanceof TaskFunction tf ? tf.userFunction() : function);
    for (Object a : args) {
      feed(md, a);
    }
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void feedFunction(MessageDigest md, Object fn) {
    Optional<SerializedLambda> lambda = FunctionNames.serializedLambda(fn);
    if (lambda.isPresent()) {
      SerializedLambda sl = lambda.get();
      text(md, "λ" + sl.getImplClass() + "." + sl.getImplMethodName() + sl.getImplMethodSignature());
      for (int i = 0; i < sl.getCapturedArgCount(); i++) {
        feed(md, sl.getCapturedArg(i));
      }
    } else {
      text(md, "F" + fn.getClass().getName());
      feed(md, fn);
    }
  }

  private static void feed(MessageDigest md, Object o) {
    if (o == null) {
      text(md, "∅");
    } else if (o instanceof String s) {
      text(md, "S" + s.length() + ":" + s);
    } else if (o instanceof Number || o instanceof Boolean || o instanceof Character || o instanceof Enum) {
      text(md, o.getClass().getName() + ":" + o);
    } else if (o instanceof Task t) {
      text(md, "T" + t.key());
    } else if (o instanceof KeyRef r) {
      text(md, "K" + r.key());
    } else if (o instanceof NestedArg n) {
      text(md, "N" + n.kindName() + n.items().length);
      for (Object item : n.items()) {
        feed(md, item);
      }
    } else if (o instanceof Map<?, ?> m) {
      text(md, (m instanceof SortedMap ? "SM" : "M") + m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        feed(md, e.getKey());
        feed(md, e.getValue());
      }
    } else if (o instanceof Set<?> s && !(s instanceof SortedSet)) {
      // Hash sets iterate in an order that need not survive a JVM restart: combine orderlessly.
      long sum = 0;
      for (Object item : s) {
        MessageDigest one = sha256();
        feed(one, item);
        byte[] d = one.digest();
        for (int i = 0; i < 8; i++) {
          sum += (long) (d[i] & 0xff) << (8 * i);
        }
      }
      text(md, "U" + s.size() + ":" + sum);
    } else if (o instanceof Collection<?> c) {
      text(md, "L" + c.size());
      for (Object item : c) {
        feed(md, item);
      }
    } else if (o.getClass().isArray()) {
      int len = Array.getLength(o);
      text(md, "A" + o.getClass().getComponentType().getName() + len);
      for (int i = 0; i < len; i++) {
        feed(md, Array.get(o, i));
      }
    } else if (o instanceof Serializable) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(o);
        }
        md.update(bytes.toByteArray());
      } catch (IOException e) {
        unique(md, o);
      }
    } else {
      unique(md, o);
    }
  }

  private static void unique(MessageDigest md, Object o) {
    log.debug("no deterministic token for {}; its pure calls will not be merged", o.getClass().getName());
    text(md, "?" + ThreadLocalRandom.current().nextLong() + ThreadLocalRandom.current().nextLong());
  }

  private static void text(MessageDigest md, String s) {
    md.update(s.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
  }
}
