package io.jdask.array;

import java.util.Arrays;

/**
 * What the header of a NumPy {@code .npy} file says: the dtype, the shape, and where the raw
 * row-major little-endian data starts in the file.
 *
 * <p>{@code shape} is copied in and out, so a header cannot change once read; equality compares
 * the shapes' elements (a record would otherwise compare the arrays by identity).
 */
record NpyHeader(DType dtype, long[] shape, long dataOffset) implements java.io.Serializable {

  NpyHeader {
    shape = shape.clone();
    for (long extent : shape) {
      if (extent < 0) {
        throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
      }
    }
    if (dataOffset < 0) {
      throw new IllegalArgumentException("negative data offset " + dataOffset);
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the shape, 1 for a 0-d array. */
  long elementCount() {
    return NpyFormat.elementCount(shape);
  }

  /** The number of data bytes the shape and dtype call for. */
  long dataByteLength() {
    return Math.multiplyExact(elementCount(), (long) dtype.byteWidth());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyHeader h
        && dtype == h.dtype && dataOffset == h.dataOffset && Arrays.equals(shape, h.shape);
  }

  @Override
  public int hashCode() {
    return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(dataOffset);
  }

  @Override
  public String toString() {
    return "NpyHeader[" + dtype.npyDescr() + ", shape " + NpyFormat.shapeRepr(shape)
        + ", data at byte " + dataOffset + "]";
  }
}
