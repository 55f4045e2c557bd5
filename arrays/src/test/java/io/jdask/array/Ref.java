package io.jdask.array;

import java.util.Random;

/** Plain-Java reference computations on row-major double arrays, for checking NdArray. */
final class Ref {
  private Ref() {}

  static double[] randomData(long seed, long[] shape) {
    Random r = new Random(seed);
    double[] d = new double[(int) Chunk.product(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.round((r.nextDouble() * 20 - 10) * 1000) / 1000.0;
    }
    return d;
  }

  static long[] strides(long[] shape) {
    return Broadcast.contiguousStrides(shape);
  }

  /** The row-major index of each position of {@code shape}. */
  static long[] unflat(long f, long[] shape) {
    long[] idx = new long[shape.length];
    for (int a = shape.length - 1; a >= 0; a--) {
      idx[a] = f % shape[a];
      f /= shape[a];
    }
    return idx;
  }

  static long flat(long[] idx, long[] shape) {
    long f = 0;
    for (int a = 0; a < shape.length; a++) {
      f = f * shape[a] + idx[a];
    }
    return f;
  }

  interface Op2 {
    double apply(double a, double b);
  }

  /** NumPy broadcasting of a binary op. */
  static double[] broadcast(double[] x, long[] sx, double[] y, long[] sy, Op2 op) {
    long[] out = Broadcast.shape(sx, sy);
    long[] px = Broadcast.pad(sx, out.length);
    long[] py = Broadcast.pad(sy, out.length);
    double[] r = new double[(int) Chunk.product(out)];
    for (int f = 0; f < r.length; f++) {
      long[] idx = unflat(f, out);
      long[] ix = new long[out.length];
      long[] iy = new long[out.length];
      for (int a = 0; a < out.length; a++) {
        ix[a] = px[a] == 1 ? 0 : idx[a];
        iy[a] = py[a] == 1 ? 0 : idx[a];
      }
      r[f] = op.apply(x[(int) flat(ix, px)], y[(int) flat(iy, py)]);
    }
    return r;
  }

  interface Fold {
    double[] start();

    void add(double[] state, double v, long indexAlongOrFlat);

    double finish(double[] state);
  }

  /** A reduction over the axes in {@code mask}, by brute force. */
  static double[] reduce(double[] x, long[] shape, boolean[] mask, java.util.function.Supplier<Fold> fold, boolean argAll) {
    int ndim = shape.length;
    long[] kept = new long[ndim];
    for (int a = 0; a < ndim; a++) {
      kept[a] = mask[a] ? 1 : shape[a];
    }
    int slots = (int) Chunk.product(kept);
    Fold f = fold.get();
    double[][] state = new double[slots][];
    for (int s = 0; s < slots; s++) {
      state[s] = f.start();
    }
    for (int i = 0; i < x.length; i++) {
      long[] idx = unflat(i, shape);
      long[] k = idx.clone();
      long along = 0;
      for (int a = 0; a < ndim; a++) {
        if (mask[a]) {
          k[a] = 0;
          along = idx[a];
        }
      }
      f.add(state[(int) flat(k, kept)], x[i], argAll ? i : along);
    }
    double[] r = new double[slots];
    for (int s = 0; s < slots; s++) {
      r[s] = f.finish(state[s]);
    }
    return r;
  }

  static Fold sum() {
    return new Fold() {
      public double[] start() {
        return new double[1];
      }

      public void add(double[] s, double v, long i) {
        s[0] += v;
      }

      public double finish(double[] s) {
        return s[0];
      }
    };
  }

  static Fold moments(int kind, int ddof) { // 0 mean, 1 var, 2 std
    return new Fold() {
      public double[] start() {
        return new double[3];
      }

      public void add(double[] s, double v, long i) {
        s[0] += 1;
        s[1] += v;
        s[2] += v * v;
      }

      public double finish(double[] s) {
        double mean = s[1] / s[0];
        double var = (s[2] - s[0] * mean * mean) / (s[0] - ddof);
        return kind == 0 ? mean : kind == 1 ? var : Math.sqrt(var);
      }
    };
  }

  static Fold extreme(boolean min, boolean arg) {
    return new Fold() {
      public double[] start() {
        return new double[] {Double.NaN, -1};
      }

      public void add(double[] s, double v, long i) {
        if (s[1] < 0 || (min ? v < s[0] : v > s[0])) {
          s[0] = v;
          s[1] = i;
        }
      }

      public double finish(double[] s) {
        return arg ? s[1] : s[0];
      }
    };
  }
}
