package io.jdask.array;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads and writes the header of NumPy {@code .npy} files (format versions 1.0 and 2.0; 3.0
 * read too), so that arrays move between jdask and NumPy without conversion: after the header the
 * data is raw row-major little-endian, exactly a jdask chunk's layout, so {@link #mapData} maps it
 * in place.
 *
 * <p>The header (NEP 1, {@code numpy.lib.format}): the magic {@code \x93NUMPY}, a major and minor
 * version byte, the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), then a
 * Python dict literal such as {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}
 * padded with spaces and ended by {@code '\n'} so that the data starts at a multiple of 64 bytes.
 * Versions 1.0 and 2.0 encode it in Latin-1, 3.0 in UTF-8.
 *
 * <p>Only what a jdask array can hold is accepted: the descrs {@code <f8 <f4 <i8 <i4 |b1} (and
 * {@code ?}, another spelling of NumPy's bool), C order. Big-endian data, Fortran order and other
 * dtypes are refused with a message saying what is supported, never reinterpreted.
 */
final class NpyFormat {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy aligns the data to this many bytes, so that it can be mapped with any dtype. */
  private static final int ALIGN = 64;
  /**
   * NumPy 1.23 and later append spaces for a first extent of this many digits, so that a file can
   * grow along its first axis with its header rewritten in place; written here too, so that the
   * headers are byte for byte NumPy's.
   */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  /** Far above any header NumPy writes for these dtypes; bounds what a garbage length can cost. */
  private static final int MAX_HEADER_LENGTH = 1 << 20;
  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
  private static final String SUPPORTED =
      Stream.of(DType.values()).map(DType::npyDescr).collect(Collectors.joining(", "));

  private NpyFormat() {}

  /**
   * Reads and validates the header of {@code file}, including that the file holds all the data
   * the header promises.
   *
   * @throws IOException naming the file if it is not a {@code .npy} file, holds an unsupported
   *     dtype or order, or is truncated (with the expected and actual byte counts)
   */
  static NpyHeader readHeader(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer prefix = readFully(channel, 0, (int) Math.min(size, MAGIC.length + 2 + 4));
      if (prefix.limit() < MAGIC.length + 2 || !prefix.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
        throw new IOException(file + " is not a NumPy .npy file: it does not start with \\x93NUMPY and a version");
      }
      int major = prefix.get(MAGIC.length) & 0xff;
      int minor = prefix.get(MAGIC.length + 1) & 0xff;
      if (major < 1 || major > 3 || minor != 0) {
        throw new IOException(
            file + " has .npy format version " + major + "." + minor + "; supported are 1.0, 2.0 and 3.0");
      }
      int lengthBytes = major == 1 ? 2 : 4;
      if (prefix.limit() < MAGIC.length + 2 + lengthBytes) {
        throw truncated(file, MAGIC.length + 2 + lengthBytes, size, "the header length");
      }
      long headerLength = major == 1
          ? prefix.getShort(MAGIC.length + 2) & 0xffff
          : prefix.getInt(MAGIC.length + 2) & 0xffff_ffffL;
      long dataOffset = MAGIC.length + 2 + lengthBytes + headerLength;
      if (headerLength > MAX_HEADER_LENGTH) {
        throw new IOException(
            file + " declares a .npy header of " + headerLength + " bytes, more than the " + MAX_HEADER_LENGTH
                + " jdask reads (corrupt?)");
      }
      if (dataOffset > size) {
        throw truncated(file, dataOffset, size, "its header");
      }
      Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
      String text = charset.decode(readFully(channel, MAGIC.length + 2 + lengthBytes, (int) headerLength)).toString();
      NpyHeader header = parseHeader(file, text, dataOffset);
      long needed;
      try {
        needed = Math.addExact(dataOffset, header.dataByteLength());
      } catch (ArithmeticException e) {
        throw new IOException(file + ": the shape " + shapeRepr(header.shape()) + " has more elements than fit a long");
      }
      if (size < needed) {
        throw truncated(file, needed, size, "shape " + shapeRepr(header.shape()) + " of " + header.dtype().npyDescr());
      }
      return header;
    }
  }

  /**
   * Writes the header of a {@code .npy} file for a C-order array of {@code dtype} and
   * {@code shape}, byte for byte as {@code numpy.save} writes it (version 1.0, or 2.0 when the
   * header would not fit 1.0's 65535 bytes); the caller writes the raw little-endian data after it.
   *
   * @throws IllegalArgumentException if an extent of {@code shape} is negative
   */
  static void writeHeader(WritableByteChannel out, DType dtype, long[] shape) throws IOException {
    ByteBuffer header = ByteBuffer.wrap(header(dtype, shape));
    while (header.hasRemaining()) {
      out.write(header);
    }
  }

  /**
   * Maps {@code byteLength} bytes of the data of {@code file} from {@code byteOffsetInData}, e.g.
   * one chunk of a row-major array, read-only and without copying.
   *
   * @throws IllegalArgumentException if the range is not within the data {@code header} describes
   * @throws IOException if the file no longer holds the range, or the range is 2 GiB or more
   */
  static MappedChunk mapData(Path file, NpyHeader header, long byteOffsetInData, long byteLength)
      throws IOException {
    long dataLength = header.dataByteLength();
    if (byteOffsetInData < 0 || byteLength < 0 || byteOffsetInData > dataLength
        || byteLength > dataLength - byteOffsetInData) {
      throw new IllegalArgumentException(
          "bytes " + byteOffsetInData + " to " + (byteOffsetInData + byteLength) + " are outside the "
              + dataLength + " data bytes of " + file);
    }
    long position = header.dataOffset() + byteOffsetInData;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < position + byteLength) {
        throw truncated(file, position + byteLength, size, "the mapped range");
      }
      return MappedChunk.of(file, MappedChunk.mapReadOnly(channel, file, position, byteLength), 0, byteLength);
    }
  }

  private static byte[] header(DType dtype, long[] shape) {
    for (long extent : shape) {
      if (extent < 0) {
        throw new IllegalArgumentException("negative extent in shape " + shapeRepr(shape));
      }
    }
    StringBuilder dict = new StringBuilder()
        .append("{'descr': '").append(dtype.npyDescr())
        .append("', 'fortran_order': False, 'shape': ").append(shapeRepr(shape)).append(", }");
    if (shape.length > 0) {
      dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
    }
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    // Version 1.0 unless its 2-byte length cannot hold the padded header, as numpy.save chooses.
    int lengthBytes = 2;
    int padding = padding(lengthBytes, text.length);
    if (text.length + 1 + padding > 0xffff) {
      lengthBytes = 4;
      padding = padding(lengthBytes, text.length);
    }
    int unpadded = MAGIC.length + 2 + lengthBytes + text.length + 1;
    ByteBuffer header = ByteBuffer.allocate(unpadded + padding).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put((byte) (lengthBytes == 2 ? 1 : 2)).put((byte) 0);
    int headerLength = text.length + padding + 1;
    if (lengthBytes == 2) {
      header.putShort((short) headerLength);
    } else {
      header.putInt(headerLength);
    }
    header.put(text);
    while (header.position() < header.capacity() - 1) {
      header.put((byte) ' ');
    }
    header.put((byte) '\n');
    return header.array();
  }

  /** The spaces that make magic, version, length, text and newline a multiple of 64 bytes. */
  private static int padding(int lengthBytes, int textLength) {
    int unpadded = MAGIC.length + 2 + lengthBytes + textLength + 1;
    return ALIGN - unpadded % ALIGN; // NumPy pads a full 64 when already aligned
  }

  /** The product of {@code shape}; 1 for a 0-d array. */
  static long elementCount(long[] shape) {
    long n = 1;
    for (long extent : shape) {
      n = Math.multiplyExact(n, extent);
    }
    return n;
  }

  /** Python's repr of the shape tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
  static String shapeRepr(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(')').toString();
  }

  private static NpyHeader parseHeader(Path file, String text, long dataOffset) throws IOException {
    Map<String, Object> dict;
    try {
      dict = new DictParser(text).parse();
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file + " has a malformed or unsupported .npy header (" + e.getMessage() + "): " + text.strip()
              + "; jdask reads C-order arrays of descr " + SUPPORTED, e);
    }
    if (!dict.keySet().equals(KEYS)) {
      throw new IOException(file + " has .npy header keys " + dict.keySet() + ", expected " + KEYS);
    }
    if (!(dict.get("descr") instanceof String descr)) {
      throw new IOException(
          file + " has a structured or non-string dtype descr; supported are " + SUPPORTED);
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
      throw new IOException(file + ": fortran_order must be True or False in its .npy header");
    }
    if (!(dict.get("shape") instanceof long[] shape)) {
      throw new IOException(file + ": shape must be a tuple of integers in its .npy header");
    }
    DType dtype = dtypeOf(file, descr);
    if (fortranOrder) {
      throw new IOException(
          file + " holds a Fortran-order (column-major) array; jdask reads C order only:"
              + " save np.ascontiguousarray(a) instead");
    }
    return new NpyHeader(dtype, shape, dataOffset);
  }

  private static DType dtypeOf(Path file, String descr) throws IOException {
    if (descr.equals("?")) {
      return DType.BOOL;
    }
    for (DType d : DType.values()) {
      if (d.npyDescr().equals(descr)) {
        return d;
      }
    }
    if (descr.startsWith(">") || descr.startsWith("!")) {
      throw new IOException(
          file + " holds big-endian data (descr '" + descr + "'); jdask reads little-endian only:"
              + " save a.astype(a.dtype.newbyteorder('<')) instead; supported are " + SUPPORTED);
    }
    throw new IOException(file + " holds dtype descr '" + descr + "'; supported are " + SUPPORTED);
  }

  private static IOException truncated(Path file, long expected, long actual, String what) {
    return new IOException(
        file + " is truncated: " + what + " needs " + expected + " bytes of file, it has " + actual);
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        break; // end of file: the caller checks what it got
      }
    }
    return buf.flip();
  }

  /**
   * Parses the Python literal NumPy writes: a dict of string keys whose values are strings,
   * {@code True}/{@code False} or tuples of integers (returned as {@code long[]}). Python 2
   * NumPy's long suffix ({@code 3L}) is accepted; anything else (a list descr of a structured
   * dtype, say) is an {@link IllegalArgumentException} saying where.
   */
  private static final class DictParser {
    private final String s;
    private int i;

    DictParser(String s) {
      this.s = s;
    }

    Map<String, Object> parse() {
      Map<String, Object> dict = new HashMap<>();
      expect('{');
      while (!peek('}')) {
        String key = string();
        expect(':');
        if (dict.put(key, value()) != null) {
          throw error("duplicate key '" + key + "'");
        }
        if (!peek('}')) {
          expect(',');
        }
      }
      expect('}');
      skipSpace();
      if (i != s.length()) {
        throw error("text after the dict");
      }
      return dict;
    }

    private Object value() {
      skipSpace();
      if (peek('\'') || peek('"')) {
        return string();
      }
      if (s.startsWith("True", i) || s.startsWith("False", i)) {
        boolean value = s.startsWith("True", i);
        i += value ? 4 : 5;
        return value;
      }
      if (peek('(')) {
        return tuple();
      }
      throw error("expected a string, True, False or a tuple");
    }

    private long[] tuple() {
      expect('(');
      List<Long> items = new ArrayList<>();
      boolean comma = false;
      while (!peek(')')) {
        items.add(integer());
        comma = peek(',');
        if (comma) {
          expect(',');
        } else if (!peek(')')) {
          throw error("expected ',' or ')' in the shape");
        }
      }
      expect(')');
      if (items.size() == 1 && !comma) {
        throw error("(n) is not a tuple; a 1-d shape is written (n,)");
      }
      return items.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() {
      skipSpace();
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw error("expected a non-negative integer");
      }
      long value;
      try {
        value = Long.parseLong(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw error("integer too large");
      }
      if (i < s.length() && s.charAt(i) == 'L') {
        i++;
      }
      return value;
    }

    private String string() {
      skipSpace();
      if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
        throw error("expected a quoted string");
      }
      char quote = s.charAt(i);
      int end = s.indexOf(quote, i + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String value = s.substring(i + 1, end);
      i = end + 1;
      return value;
    }

    private boolean peek(char c) {
      skipSpace();
      return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private void skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private IllegalArgumentException error(String problem) {
      return new IllegalArgumentException(problem + " at character " + i);
    }
  }
}
