package io.jdask.array;

/**
 * The reductions, each as three steps of a tree reduction: a <em>partial</em> of one input chunk,
 * a <em>combine</em> of a few partials, and a <em>finish</em> that turns the last partial into the
 * result (Dask's chunk / combine / aggregate).
 *
 * <p>A partial is a chunk of shape {@code [fields] + input chunk shape with reduced axes of length
 * 1}: field {@code f} of every kept position. Sums of integers and booleans, their minima,
 * maxima and arg-extrema, {@code any} and {@code all} keep int64 fields, so they stay exact; everything else keeps
 * float64 fields. Variances keep {@code (count, mean, M2)} and combine by Chan, Golub and LeVeque's
 * pairwise update, which stays accurate where a sum of squares would cancel.
 */
enum Reduction {
  SUM("sum", 1),
  MEAN("mean", 2), // sum, count
  VAR("var", 3), // count, mean, M2
  STD("std", 3),
  MIN("min", 1),
  MAX("max", 1),
  ARGMIN("argmin", 2), // value, index
  ARGMAX("argmax", 2),
  ANY("any", 1),
  ALL("all", 1);

  final String group;
  final int fields;

  Reduction(String group, int fields) {
    this.group = group;
    this.fields = fields;
  }

  boolean isArg() {
    return this == ARGMIN || this == ARGMAX;
  }

  /** The dtype of the partials for input dtype {@code in}. */
  DType partialType(DType in) {
    return switch (this) {
      case SUM, MIN, MAX, ARGMIN, ARGMAX -> in.isFloating() ? DType.FLOAT64 : DType.INT64;
      case ANY, ALL -> DType.INT64;
      default -> DType.FLOAT64;
    };
  }

  /** The dtype of the result, as NumPy gives it. */
  DType resultType(DType in) {
    return switch (this) {
      case SUM -> in.isFloating() ? in : DType.INT64;
      case MEAN, VAR, STD -> in == DType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64;
      case MIN, MAX -> in;
      case ARGMIN, ARGMAX -> DType.INT64;
      case ANY, ALL -> DType.BOOL;
    };
  }

  /** Whether a reduction over no elements has no value (NumPy raises for these). */
  boolean needsElements() {
    return this == MIN || this == MAX || isArg();
  }
}
