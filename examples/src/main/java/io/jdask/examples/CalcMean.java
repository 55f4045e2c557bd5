package io.jdask.examples;

import io.jdask.Config;
import io.jdask.Delayed;
import io.jdask.DelayedFn3;
import io.jdask.Jdask;
import io.jdask.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator.JumpableGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A parallel Monte Carlo study: {@code p} tasks each draw {@code n} standard normal numbers and
 * return their mean and standard deviation. Every task draws from its own stream of one
 * jumpable generator (Xoshiro256++, streams 2^128 draws apart), chosen by the task's index, so
 * the result is the same bit for bit whichever scheduler runs it and with any number of
 * workers.
 *
 * <p>Run: {@code bin/jdask example calc-mean}
 */
public final class CalcMean {
  /** The generator every stream is cut from. */
  static final String GENERATOR = "Xoshiro256PlusPlus";

  private CalcMean() {}

  /** Mean and (population) standard deviation of one task's draws; serializable, to leave a worker JVM. */
  public record Stats(double mean, double std) implements java.io.Serializable {}

  /** One task: {@code n} draws from stream {@code stream} of the generator seeded with {@code seed}. */
  public static Stats calcMean(long seed, int stream, int n) {
    JumpableGenerator g = (JumpableGenerator) RandomGeneratorFactory.of(GENERATOR).create(seed);
    for (int k = 0; k < stream; k++) {
      g.jump();
    }
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double x = g.nextGaussian();
      sum += x;
      sumSq += x * x;
    }
    double mean = sum / n;
    return new Stats(mean, Math.sqrt(Math.max(0, sumSq / n - mean * mean)));
  }

  /** The study as a graph: {@code p} independent tasks. */
  public static List<Delayed<Stats>> study(long seed, int p, int n) {
    DelayedFn3<Long, Integer, Integer, Stats> task = Delayed.of(CalcMean::calcMean);
    List<Delayed<Stats>> tasks = new ArrayList<>(p);
    for (int i = 0; i < p; i++) {
      tasks.add(task.call(seed, i, n));
    }
    return tasks;
  }

  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42L;
    List<Delayed<Stats>> tasks = study(seed, 10, 1_000);
    List<Object> reference = null;
    for (int workers = 0; workers <= 4; workers++) {
      Scheduler s = workers == 0 ? Scheduler.SYNC : Scheduler.THREADS;
      try (var scope = workers == 0 ? Config.with(s) : Config.with(s, workers)) {
        long t0 = System.nanoTime();
        List<Object> results = Jdask.compute(tasks);
        double ms = (System.nanoTime() - t0) / 1e6;
        String label = workers == 0 ? "sync" : "threads(" + workers + ")";
        if (reference == null) {
          reference = results;
          for (int i = 0; i < results.size(); i++) {
            Stats st = (Stats) results.get(i);
            System.out.printf("  task %d: mean % .6f  std %.6f%n", i, st.mean(), st.std());
          }
        }
        System.out.printf("%-11s %7.2f ms  identical to sync: %s%n", label, ms, results.equals(reference));
      }
    }
    Jdask.shutdown();
  }
}
