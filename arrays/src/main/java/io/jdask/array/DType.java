package io.jdask.array;

import java.util.Locale;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The element types of an {@link NdArray}, with NumPy's names and promotion rules.
 *
 * <p>Every dtype is stored as a contiguous little-endian buffer of fixed-width elements, as
 * NumPy and Arrow both lay them out; a boolean is one byte (0 or 1), as in NumPy, not Arrow's
 * bit-packed {@code Bool}, so that masks map and index like every other dtype. In Arrow IPC
 * files a boolean chunk is therefore an unsigned 8-bit column.
 */
public enum DType {
  FLOAT64(8, "float64", "<f8"),
  FLOAT32(4, "float32", "<f4"),
  INT64(8, "int64", "<i8"),
  INT32(4, "int32", "<i4"),
  BOOL(1, "bool", "|b1");

  private final int byteWidth;
  private final String numpyName;
  private final String npyDescr;

  DType(int byteWidth, String numpyName, String npyDescr) {
    this.byteWidth = byteWidth;
    this.numpyName = numpyName;
    this.npyDescr = npyDescr;
  }

  public int byteWidth() {
    return byteWidth;
  }

  /** NumPy's name, e.g. {@code float64}: used in metadata files and messages. */
  public String numpyName() {
    return numpyName;
  }

  /** The {@code descr} of a NumPy {@code .npy} header, e.g. {@code <f8}. */
  public String npyDescr() {
    return npyDescr;
  }

  public boolean isFloating() {
    return this == FLOAT64 || this == FLOAT32;
  }

  public boolean isInteger() {
    return this == INT64 || this == INT32;
  }

  /** The Arrow type of the single column that stores a chunk of this dtype. */
  public ArrowType arrowType() {
    return switch (this) {
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case INT64 -> new ArrowType.Int(64, true);
      case INT32 -> new ArrowType.Int(32, true);
      case BOOL -> new ArrowType.Int(8, false);
    };
  }

  /** The dtype named {@code name} ({@code float64}, {@code int32}, {@code bool}, ...). */
  public static DType of(String name) {
    for (DType d : values()) {
      if (d.numpyName.equals(name.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype '" + name + "'; jdask arrays support float64, float32, int64, int32 and bool");
  }

  /**
   * The dtype of a binary operation on arrays of dtypes {@code a} and {@code b}, as NumPy
   * promotes: bool < int32 < int64 < float64 and float32 < float64; a float32 with any integer
   * gives float64 (float32 cannot hold every int32 exactly).
   */
  public static DType promote(DType a, DType b) {
    if (a == b) {
      return a;
    }
    if (a == BOOL) {
      return b;
    }
    if (b == BOOL) {
      return a;
    }
    if (a.isInteger() && b.isInteger()) {
      return INT64;
    }
    return FLOAT64; // float32 with an integer, or float32 with float64
  }

  /**
   * The dtype of an operation between an array and a Java scalar, as NumPy 2 treats Python
   * scalars (NEP 50): the scalar's kind counts, not its precision. A floating scalar keeps a
   * floating array's dtype and makes an integer or boolean array float64; an integral scalar
   * keeps any numeric array's dtype and makes a boolean array int64.
   */
  public static DType promoteScalar(DType array, boolean floatingScalar) {
    if (floatingScalar) {
      return array.isFloating() ? array : FLOAT64;
    }
    return array == BOOL ? INT64 : array;
  }

  /** The dtype of true division: integers and booleans divide to float64. */
  public DType divisionResult() {
    return isFloating() ? this : FLOAT64;
  }
}
