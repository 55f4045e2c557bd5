package io.jdask.array;

/** Elementwise functions of one operand, as NumPy's unary ufuncs. */
enum UnaryOp {
  NEGATIVE("negative", false),
  ABS("absolute", false),
  SQUARE("square", false),
  SIGN("sign", false),
  SQRT("sqrt", true),
  EXP("exp", true),
  EXPM1("expm1", true),
  LOG("log", true),
  LOG1P("log1p", true),
  LOG10("log10", true),
  SIN("sin", true),
  COS("cos", true),
  TAN("tan", true),
  TANH("tanh", true),
  FLOOR("floor", true),
  CEIL("ceil", true),
  RINT("rint", true),
  ISNAN("isnan", false),
  NOT("logical-not", false);

  final String group;
  /** Whether the result is floating (integers and booleans become float64), as for NumPy's math. */
  final boolean floating;

  UnaryOp(String group, boolean floating) {
    this.group = group;
    this.floating = floating;
  }

  DType resultType(DType in) {
    if (this == ISNAN || this == NOT) {
      return DType.BOOL;
    }
    if (floating) {
      return in.isFloating() ? in : DType.FLOAT64;
    }
    if (in == DType.BOOL) {
      if (this == NEGATIVE || this == SIGN) {
        throw new IllegalArgumentException("NumPy's " + group + " is not defined for booleans; use not() for a logical negation");
      }
      return this == ABS || this == SQUARE ? DType.BOOL : DType.INT64;
    }
    return in;
  }

  double apply(double x) {
    return switch (this) {
      case NEGATIVE -> -x;
      case ABS -> Math.abs(x);
      case SQUARE -> x * x;
      case SIGN -> Double.isNaN(x) ? x : Math.signum(x);
      case SQRT -> Math.sqrt(x);
      case EXP -> Math.exp(x);
      case EXPM1 -> Math.expm1(x);
      case LOG -> Math.log(x);
      case LOG1P -> Math.log1p(x);
      case LOG10 -> Math.log10(x);
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
      case TAN -> Math.tan(x);
      case TANH -> Math.tanh(x);
      case FLOOR -> Math.floor(x);
      case CEIL -> Math.ceil(x);
      case RINT -> Math.rint(x);
      case ISNAN -> Double.isNaN(x) ? 1 : 0;
      case NOT -> x == 0 ? 1 : 0;
    };
  }

  long apply(long x) {
    return switch (this) {
      case NEGATIVE -> -x;
      case ABS -> Math.abs(x);
      case SQUARE -> x * x;
      case SIGN -> Long.signum(x);
      case ISNAN -> 0;
      case NOT -> x == 0 ? 1 : 0;
      default -> throw new AssertionError(this + " is computed in floating point");
    };
  }
}
