package io.jdask.examples;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn2;
import io.jdask.DelayedFn6;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.JumpableGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Approximate Bayesian computation by rejection for a moving-average model of order 2, the
 * study ELFI uses to show its parallel clients: y[t] = w[t] + θ1 w[t-1] + θ2 w[t-2] with
 * standard normal noise w. Observed data come from θ = (0.6, 0.2). Each simulation draws θ from
 * the prior (uniform on the triangle where the model is identifiable: -2 < θ1 < 2,
 * |θ1| - 1 < θ2 < 1), simulates a series of length 100, and summarises it by its
 * autocovariances at lags 1 and 2; the simulations whose summaries are closest to the observed
 * ones approximate the posterior.
 *
 * <p>Simulations run in batches, one task each, every batch on its own stream of one jumpable
 * generator; batches keep their best candidates, and a tree of merges keeps the overall best.
 * The result is the same on every scheduler.
 *
 * <p>Run: {@code bin/jdask example ma2 [simulations] [batch] [keep] [seed]}, by default
 * 1,000,000 simulations in batches of 10,000, keeping 5,000, seed 42.
 */
public final class Ma2Rejection {
  static final int LENGTH = 100;
  static final double TRUE_T1 = 0.6;
  static final double TRUE_T2 = 0.2;
  /** Stream 0 simulates the observed data; batch i uses stream i + 1. */
  static final String GENERATOR = CalcMean.GENERATOR;

  private Ma2Rejection() {}

  /** Simulates an MA(2) series into {@code y} using {@code w} as scratch for the noise. */
  static void simulate(double t1, double t2, RandomGenerator g, double[] w, double[] y) {
    for (int i = 0; i < w.length; i++) {
      w[i] = g.nextGaussian();
    }
    for (int t = 0; t < y.length; t++) {
      y[t] = w[t + 2] + t1 * w[t + 1] + t2 * w[t];
    }
  }

  /** Autocovariance at lag k, as the mean of y[t] y[t-k]. */
  static double autocov(double[] y, int k) {
    double s = 0;
    for (int t = k; t < y.length; t++) {
      s += y[t] * y[t - k];
    }
    return s / (y.length - k);
  }

  static JumpableGenerator stream(long seed, int index) {
    JumpableGenerator g = (JumpableGenerator) RandomGeneratorFactory.of(GENERATOR).create(seed);
    for (int i = 0; i < index; i++) {
      g.jump();
    }
    return g;
  }

  /** The observed summaries: lag-1 and lag-2 autocovariance of data simulated at the true θ. */
  public static double[] observed(long seed) {
    double[] w = new double[LENGTH + 2];
    double[] y = new double[LENGTH];
    simulate(TRUE_T1, TRUE_T2, stream(seed, 0), w, y);
    return new double[] {autocov(y, 1), autocov(y, 2)};
  }

  /**
   * One batch: {@code size} simulations from stream {@code batch + 1}; returns the {@code keep}
   * closest as a flat array of (distance, θ1, θ2) triples, closest first.
   */
  public static double[] batch(long seed, int batch, int size, int keep, double s1, double s2) {
    RandomGenerator g = stream(seed, batch + 1);
    double[] w = new double[LENGTH + 2];
    double[] y = new double[LENGTH];
    double[] all = new double[3 * size];
    for (int i = 0; i < size; i++) {
      // θ1 ~ triangular(-2, 0, 2), then θ2 ~ U(|θ1| - 1, 1): uniform on the triangle.
      double t1 = 2 * (g.nextDouble() + g.nextDouble()) - 2;
      double t2 = Math.abs(t1) - 1 + (2 - Math.abs(t1)) * g.nextDouble();
      simulate(t1, t2, g, w, y);
      double d1 = autocov(y, 1) - s1;
      double d2 = autocov(y, 2) - s2;
      all[3 * i] = Math.sqrt(d1 * d1 + d2 * d2);
      all[3 * i + 1] = t1;
      all[3 * i + 2] = t2;
    }
    return best(all, keep);
  }

  /** Merges two candidate sets, keeping the {@code keep} closest. */
  public static double[] merge(double[] a, double[] b, int keep) {
    double[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return best(both, keep);
  }

  /** The {@code keep} triples with the smallest distance, sorted by distance (then θ, for ties). */
  static double[] best(double[] triples, int keep) {
    int n = triples.length / 3;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (i, j) -> {
      int c = Double.compare(triples[3 * i], triples[3 * j]);
      if (c == 0) {
        c = Double.compare(triples[3 * i + 1], triples[3 * j + 1]);
      }
      return c != 0 ? c : Double.compare(triples[3 * i + 2], triples[3 * j + 2]);
    });
    int k = Math.min(keep, n);
    double[] out = new double[3 * k];
    for (int r = 0; r < k; r++) {
      System.arraycopy(triples, 3 * order[r], out, 3 * r, 3);
    }
    return out;
  }

  /** The whole study as a graph: batches, then a binary tree of merges. */
  public static Delayed<double[]> study(long seed, int simulations, int batchSize, int keep) {
    double[] obs = observed(seed);
    DelayedFn6<Long, Integer, Integer, Integer, Double, Double, double[]> batch =
        Delayed.of(Ma2Rejection::batch);
    DelayedFn2<double[], double[], double[]> merge =
        Delayed.of((double[] a, double[] b) -> merge(a, b, keep)).name("merge");
    List<Delayed<double[]>> level = new ArrayList<>();
    for (int b = 0; b * batchSize < simulations; b++) {
      level.add(batch.call(seed, b, Math.min(batchSize, simulations - b * batchSize), keep, obs[0], obs[1]));
    }
    while (level.size() > 1) {
      List<Delayed<double[]>> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? merge.call(level.get(i), level.get(i + 1)) : level.get(i));
      }
      level = next;
    }
    return level.get(0);
  }

  /** Posterior means of θ1 and θ2 from the kept triples. */
  public static double[] means(double[] kept) {
    double m1 = 0;
    double m2 = 0;
    int k = kept.length / 3;
    for (int i = 0; i < k; i++) {
      m1 += kept[3 * i + 1];
      m2 += kept[3 * i + 2];
    }
    return new double[] {m1 / k, m2 / k};
  }

  public static void main(String[] args) {
    int simulations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int keep = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 42L;
    int workers = Runtime.getRuntime().availableProcessors();
    System.out.printf("MA(2) rejection sampling: %,d simulations in batches of %,d, keeping %,d (seed %d)%n",
        simulations, batchSize, keep, seed);
    Delayed<double[]> study = study(seed, simulations, batchSize, keep);
    double[] reference = null;
    for (Scheduler s : List.of(Scheduler.SYNC, Scheduler.THREADS, Scheduler.PROCESSES)) {
      try (var scope = s == Scheduler.SYNC ? Config.with(s) : Config.with(s, workers)) {
        if (s == Scheduler.PROCESSES) {
          Delayed.value(0).then(x -> x).compute(); // start the worker JVMs outside the timing
        }
        long t0 = System.nanoTime();
        double[] kept = study.compute();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] m = means(kept);
        if (reference == null) {
          reference = kept;
        }
        System.out.printf("%-14s posterior mean θ1 = %.4f, θ2 = %.4f   %6.2f s   same as sync: %s%n",
            s.id() + (s == Scheduler.SYNC ? "" : "(" + workers + ")"), m[0], m[1], seconds,
            Arrays.equals(reference, kept));
      }
    }
    System.out.printf("true values: θ1 = %.1f, θ2 = %.1f%n", TRUE_T1, TRUE_T2);
    Jdask.shutdown();
  }
}
