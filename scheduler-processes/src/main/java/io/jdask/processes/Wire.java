package io.jdask.processes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The wire format between a client and its workers, and between workers: length-prefixed frames
 * of Java serialization, after a handshake that proves the peer knows the cluster's token.
 *
 * <p><b>Handshake.</b> The connecting side sends a magic number and the token as raw bytes; the
 * accepting side compares it in constant time and closes the connection on a mismatch, before
 * it deserialises a single object. The token reaches worker JVMs through their environment, not
 * their command line.
 *
 * <p><b>Deserialisation filter.</b> Tasks carry the user's own classes, so an allow-list of
 * packages cannot be fixed here; instead every frame is read through an {@link ObjectInputFilter}
 * that bounds depth, references and array sizes, and rejects classes that have no business in a
 * task message and are known to serve as deserialisation gadgets (see {@link #DENIED}). A JVM-wide
 * {@code jdk.serialFilter}, when set, is applied first.
 *
 * <p><b>Why Java serialization.</b> It carries lambdas and any {@code Serializable} user class
 * with no registration, which the processes and distributed schedulers need. Its cost per
 * message is amortised by batching units per {@link Message.Execute} and by shipping each
 * function once per worker; {@code docs/serialization.md} has the measurements against Fory and
 * Kryo and why java.io stays for now (worker start-up, the Serializable contract).
 */
final class Wire {
  static final int MAGIC = 0x6a64736b; // "jdsk"
  /** Largest frame accepted: a bound on what a confused or hostile peer can make us allocate. */
  static final int MAX_FRAME = 1 << 30;

  /**
   * Classes refused in any frame: classic gadget chains and JVM internals. An entry ending in a
   * dot is a package prefix; any other entry is one exact class name.
   */
  static final List<String> DENIED = List.of(
      "org.apache.commons.collections.functors.",
      "org.apache.commons.collections4.functors.",
      "org.apache.commons.beanutils.",
      "org.codehaus.groovy.runtime.",
      "org.springframework.beans.factory.",
      "com.sun.org.apache.xalan.",
      "org.apache.xalan.",
      "com.sun.rowset.",
      "javax.management.",
      "java.rmi.",
      "sun.rmi.",
      "javax.naming.",
      "com.sun.jndi.",
      "java.lang.ProcessBuilder",
      "java.lang.Runtime",
      "bsh.",
      "org.mozilla.javascript.",
      "clojure.");

  private static final ObjectInputFilter FILTER = Wire::check;

  private Wire() {}

  private static ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
    ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    if (jvmWide != null) {
      ObjectInputFilter.Status s = jvmWide.checkInput(info);
      if (s == ObjectInputFilter.Status.REJECTED) {
        return s;
      }
    }
    if (info.depth() > 500 || info.references() > 50_000_000 || info.arrayLength() > MAX_FRAME) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> c = info.serialClass();
    if (c != null) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String name = c.getName();
      if (denied(name)) {
        return ObjectInputFilter.Status.REJECTED;
      }
    }
    return ObjectInputFilter.Status.UNDECIDED;
  }

  static boolean denied(String className) {
    for (String d : DENIED) {
      if (d.endsWith(".") ? className.startsWith(d) : className.equals(d)) {
        return true;
      }
    }
    return false;
  }

  static void writeHandshake(DataOutputStream out, String token) throws IOException {
    byte[] t = token.getBytes(StandardCharsets.UTF_8);
    out.writeInt(MAGIC);
    out.writeShort(t.length);
    out.write(t);
    out.flush();
  }

  /** Reads and checks a handshake; false means the connection must be closed unread. */
  static boolean readHandshake(DataInputStream in, String token) throws IOException {
    if (in.readInt() != MAGIC) {
      return false;
    }
    int len = in.readUnsignedShort();
    byte[] got = in.readNBytes(len);
    return got.length == len && MessageDigest.isEqual(got, token.getBytes(StandardCharsets.UTF_8));
  }

  /** Serialises a message to one frame's bytes. */
  static byte[] encode(Object message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(message);
    }
    return bytes.toByteArray();
  }

  /** Writes one frame; callers serialise access to {@code out}. Returns the bytes written. */
  static int write(DataOutputStream out, byte[] frame) throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
    return frame.length + 4;
  }

  /** Reads one frame's bytes. */
  static byte[] readFrame(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > MAX_FRAME) {
      throw new IOException("frame of " + len + " bytes refused");
    }
    return in.readNBytes(len);
  }

  /** Deserialises a frame through the filter. */
  static Object decode(byte[] frame, ClassLoader loader) throws IOException {
    try (ObjectInputStream in = new FilteredStream(new ByteArrayInputStream(frame), loader)) {
      in.setObjectInputFilter(FILTER);
      return in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("a message names a class this JVM lacks: " + e.getMessage(), e);
    } catch (InvalidClassException e) {
      throw new IOException("a message was refused by jdask's deserialisation filter: " + e.getMessage(), e);
    }
  }

  /** Checks before anything runs that a value can travel: the error names what cannot. */
  static void requireSerializable(Object value, String what) {
    try {
      encode(value);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException(what + " cannot be sent to a worker JVM: it holds a "
          + e.getMessage() + ", which is not Serializable. Make that class implement "
          + "java.io.Serializable, or build the value inside the task instead of capturing it.", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " cannot be serialized: " + e, e);
    }
  }

  /** Resolves classes with the given loader, so user classes resolve as they do in the worker. */
  private static final class FilteredStream extends ObjectInputStream {
    private final ClassLoader loader;

    FilteredStream(ByteArrayInputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
