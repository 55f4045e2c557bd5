package io.jdask.array;

/**
 * Elementwise operations of two operands, as NumPy's binary ufuncs. Arithmetic is done in
 * {@code double} when the result dtype is floating and in {@code long} when it is integral
 * (so int64 sums stay exact); comparisons give booleans.
 */
enum BinaryOp {
  ADD("add"),
  SUBTRACT("subtract"),
  MULTIPLY("multiply"),
  DIVIDE("divide"),
  POWER("power"),
  MOD("mod"),
  MAXIMUM("maximum"),
  MINIMUM("minimum"),
  EQUAL("equal"),
  NOT_EQUAL("not-equal"),
  LESS("less"),
  LESS_EQUAL("less-equal"),
  GREATER("greater"),
  GREATER_EQUAL("greater-equal"),
  AND("and"),
  OR("or"),
  XOR("xor");

  final String group;

  BinaryOp(String group) {
    this.group = group;
  }

  boolean isComparison() {
    return ordinal() >= EQUAL.ordinal() && ordinal() <= GREATER_EQUAL.ordinal();
  }

  boolean isLogical() {
    return this == AND || this == OR || this == XOR;
  }

  /** The result dtype for operands of dtypes {@code a} and {@code b} (already promoted pairwise). */
  DType resultType(DType promoted) {
    if (isComparison() || isLogical()) {
      return DType.BOOL;
    }
    if (this == DIVIDE) {
      return promoted.divisionResult();
    }
    if (this == POWER && promoted == DType.BOOL) {
      return DType.INT64;
    }
    return promoted == DType.BOOL && this != MAXIMUM && this != MINIMUM ? DType.INT64 : promoted;
  }

  double apply(double x, double y) {
    return switch (this) {
      case ADD -> x + y;
      case SUBTRACT -> x - y;
      case MULTIPLY -> x * y;
      case DIVIDE -> x / y;
      case POWER -> Math.pow(x, y);
      case MOD -> { // NumPy's mod takes the sign of the divisor, like Python's %
        double r = x % y;
        yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
      }
      case MAXIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
      case MINIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
      case EQUAL -> x == y ? 1 : 0;
      case NOT_EQUAL -> x != y ? 1 : 0;
      case LESS -> x < y ? 1 : 0;
      case LESS_EQUAL -> x <= y ? 1 : 0;
      case GREATER -> x > y ? 1 : 0;
      case GREATER_EQUAL -> x >= y ? 1 : 0;
      case AND -> x != 0 && y != 0 ? 1 : 0;
      case OR -> x != 0 || y != 0 ? 1 : 0;
      case XOR -> (x != 0) != (y != 0) ? 1 : 0;
    };
  }

  long apply(long x, long y) {
    return switch (this) {
      case ADD -> x + y;
      case SUBTRACT -> x - y;
      case MULTIPLY -> x * y;
      case DIVIDE -> throw new AssertionError("integer division is true division in jdask, as in NumPy");
      case POWER -> {
        if (y < 0) {
          throw new ArithmeticException("integers to negative integer powers are not allowed (as in NumPy)");
        }
        long r = 1;
        for (long b = x, e = y; e > 0; e >>= 1, b *= b) {
          if ((e & 1) != 0) {
            r *= b;
          }
        }
        yield r;
      }
      case MOD -> y == 0 ? 0 : Math.floorMod(x, y);
      case MAXIMUM -> Math.max(x, y);
      case MINIMUM -> Math.min(x, y);
      case EQUAL -> x == y ? 1 : 0;
      case NOT_EQUAL -> x != y ? 1 : 0;
      case LESS -> x < y ? 1 : 0;
      case LESS_EQUAL -> x <= y ? 1 : 0;
      case GREATER -> x > y ? 1 : 0;
      case GREATER_EQUAL -> x >= y ? 1 : 0;
      case AND -> x != 0 && y != 0 ? 1 : 0;
      case OR -> x != 0 || y != 0 ? 1 : 0;
      case XOR -> (x != 0) != (y != 0) ? 1 : 0;
    };
  }
}
