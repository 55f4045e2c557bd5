package io.jdask.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;

/** The lines {@link BenchRunner} prints for the array benchmarks: bandwidths and their targets. */
final class ArrayFigures {
  private ArrayFigures() {}

  static String describe(String cls, String method, RunResult r, double opUs, double errUs) {
    double s = opUs / 1e6;
    String spread = Double.isNaN(errUs) ? "±n/a" : String.format(Locale.ROOT, "±%.0f ms", errUs / 1e3);
    return switch (cls) {
      case "MemoryBandwidthBenchmark" -> String.format(Locale.ROOT, "%-44s %8.2f GB/s     (%.0f ms %s per sum of 3.2 GB in native memory, plain Java loop)",
          "arrays.bandwidth.threads" + r.getParams().getParam("threads"), MemoryBandwidthBenchmark.BYTES / s / 1e9, opUs / 1e3, spread);
      case "ArrayReductionBenchmark" -> String.format(Locale.ROOT, "%-44s %8.2f GB/s     (%.0f ms %s per %s of 400 M float64 held in memory, THREADS(2))",
          "arrays.400M." + r.getParams().getParam("op") + ".threads2", MemoryBandwidthBenchmark.BYTES / s / 1e9, opUs / 1e3, spread, r.getParams().getParam("op"));
      case "TransposeAddBenchmark" -> String.format(Locale.ROOT, "%-44s %8.0f ms       (%s; (x + x.T).sum() of 20,000^2 float64 in 2,000^2 chunks, THREADS(2); %.2f GB/s of x read)",
          "arrays.20k.transposeAddSum.threads2", opUs / 1e3, spread, TransposeAddBenchmark.N * TransposeAddBenchmark.N * 8 / s / 1e9);
      case "OutOfCoreBenchmark" -> String.format(Locale.ROOT, "%-44s %8.2f GB/s     (%.0f ms %s per pass over 8 GB of chunk files%s)",
          "arrays.outOfCore1e9." + method, OutOfCoreBenchmark.BYTES / s / 1e9, opUs / 1e3, spread,
          method.equals("jdaskSum") ? ", sum on THREADS(2), 1 GB limit" : ", FileChannel.read, one thread");
      default -> throw new IllegalArgumentException(cls);
    };
  }

  /** The ratios the issue sets targets for, when both sides ran. */
  static List<String> summarize(Collection<RunResult> results) {
    double bandwidth2 = Double.NaN;
    double sum = Double.NaN;
    double mean = Double.NaN;
    double std = Double.NaN;
    double jdask = Double.NaN;
    double plain = Double.NaN;
    for (RunResult r : results) {
      String b = r.getParams().getBenchmark();
      double us = BenchRunner.toMicros(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
      if (b.endsWith("MemoryBandwidthBenchmark.sum") && r.getParams().getParam("threads").equals("2")) {
        bandwidth2 = us;
      } else if (b.endsWith("ArrayReductionBenchmark.reduce")) {
        switch (r.getParams().getParam("op")) {
          case "sum" -> sum = us;
          case "mean" -> mean = us;
          default -> std = us;
        }
      } else if (b.endsWith("OutOfCoreBenchmark.jdaskSum")) {
        jdask = us;
      } else if (b.endsWith("OutOfCoreBenchmark.plainRead")) {
        plain = us;
      }
    }
    List<String> lines = new ArrayList<>();
    String[] names = {"sum", "mean", "std"};
    double[] times = {sum, mean, std};
    for (int i = 0; i < 3; i++) {
      if (!Double.isNaN(bandwidth2) && !Double.isNaN(times[i])) {
        lines.add(ratio("arrays.400M." + names[i] + ".ofBandwidth", 100 * bandwidth2 / times[i], "of the plain 2-thread loop's GB/s"));
      }
    }
    if (!Double.isNaN(jdask) && !Double.isNaN(plain)) {
      lines.add(ratio("arrays.outOfCore1e9.ofPlainRead", 100 * plain / jdask, "of the plain sequential read's GB/s"));
    }
    if (!Double.isNaN(jdask) && Files.exists(OutOfCoreBenchmark.RSS_FILE)) {
      try {
        String[] f = Files.readString(OutOfCoreBenchmark.RSS_FILE).trim().split(" ");
        double rssGb = Long.parseLong(f[0]) / 1e9;
        lines.add(String.format(Locale.ROOT, "%-44s %8.2f GB       (peak resident set while summing, sampled every 10 ms; peak chunk memory %.2f GB)",
            "arrays.outOfCore1e9.peakRss", rssGb, Long.parseLong(f[1]) / 1e9)
            + (rssGb <= BenchRunner.RSS_TARGET_GB ? "  [target <= 1.5 GB: met]" : "  [target <= 1.5 GB: MISSED]"));
      } catch (IOException | RuntimeException e) {
        lines.add("arrays.outOfCore1e9.peakRss: could not read " + OutOfCoreBenchmark.RSS_FILE + ": " + e);
      }
    }
    return lines;
  }

  private static String ratio(String label, double pct, String what) {
    return String.format(Locale.ROOT, "%-44s %8.0f %%        (%s)", label, pct, what)
        + (pct >= BenchRunner.BANDWIDTH_TARGET_PCT ? "  [target >= 80 %: met]" : "  [target >= 80 %: MISSED]");
  }
}
