package io.jdask.processes;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import com.esotericsoftware.kryo.util.Pool;
import io.jdask.Delayed;
import io.jdask.Fn1;
import io.jdask.graph.Plan;
import io.jdask.graph.TaskFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.resolver.TypeChecker;
import org.objenesis.strategy.StdInstantiatorStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one message of the PROCESSES scheduler's wire, encoded to a frame's bytes and
 * decoded again (one round trip), with {@code java.io} serialization as production does it
 * ({@link Wire#encode}, {@link Wire#decode} with its {@code ObjectInputFilter}) and with two
 * alternatives configured to carry any user class and lambda without registration: Apache Fory
 * and Kryo, each with the same deny-list as {@link Wire#DENIED} plugged into its class checks.
 *
 * <p>The messages are those {@code ProcessRun.send} builds: an {@link Message.Execute} of 1 and
 * of {@value #BATCH} units (one node each, arguments an {@code Integer} and an {@link
 * Message.InputRef}), a {@link Message.DefineFunction} of a method reference and of a capturing
 * lambda (wrapped by {@code Delayed.of}, as the scheduler ships them), the {@link
 * Message.NodeStarted} a worker sends per unit, and a {@link Message.UnitFinished} carrying a
 * small result and a 1 MiB {@code double[]}. The benchmark lives
 * in the scheduler's package only to reach those package-private types. Run after {@code mvn -q
 * -B -DskipTests package -pl benchmarks -am} from the repository root:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main SerializationBenchmark \
 *   -f 1 -wi 3 -i 5 -w 1 -r 1 -jvmArgsAppend "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED ..."
 * java -cp ... io.jdask.processes.SerializationBenchmark     # frame sizes and round-trip checks
 * </pre>
 *
 * or through {@code io.jdask.benchmarks.BenchRunner SerializationBenchmark}, which prints the
 * figures per message and per task. {@code docs/serialization.md} has the results.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SerializationBenchmark {
  /** Units in the batched Execute: a worker with 2 threads and the default prefetch gets a few; a wide graph's first dispatch gets many. */
  public static final int BATCH = 64;
  /** Doubles in the large result: 1 MiB. */
  static final int LARGE = 1 << 17;

  @Param({"javaio", "fory", "foryNoCodegen", "kryo"})
  public String codec;

  private Codec c;
  private Message execute1;
  private Message execute64;
  private Message defineMethodRef;
  private Message defineCapturing;
  private Message nodeStarted;
  private Message finishedSmall;
  private Message finishedLarge;

  @Setup
  public void setUp() {
    c = Codec.of(codec);
    execute1 = execute(1);
    execute64 = execute(BATCH);
    defineMethodRef = methodRefMessage();
    defineCapturing = capturingMessage();
    nodeStarted = started();
    finishedSmall = finished(42.5);
    finishedLarge = finished(large());
    for (Message m : List.of(execute1, execute64, defineMethodRef, defineCapturing, nodeStarted, finishedSmall,
        finishedLarge)) {
      check(m, c.roundTrip(m));
    }
  }

  @Benchmark
  public Object execute1() {
    return c.roundTrip(execute1);
  }

  @Benchmark
  public Object execute64() {
    return c.roundTrip(execute64);
  }

  @Benchmark
  public Object defineMethodRef() {
    return c.roundTrip(defineMethodRef);
  }

  @Benchmark
  public Object defineCapturing() {
    return c.roundTrip(defineCapturing);
  }

  /** The worker sends one per unit, with the unit's UnitFinished: not batched. */
  @Benchmark
  public Object nodeStarted() {
    return c.roundTrip(nodeStarted);
  }

  @Benchmark
  public Object finishedSmall() {
    return c.roundTrip(finishedSmall);
  }

  @Benchmark
  public Object finishedDouble1MiB() {
    return c.roundTrip(finishedLarge);
  }

  // ---- the messages ------------------------------------------------------------------------

  /** An Execute as ProcessRun.unitSpec builds it: per unit one node, `f(constant, result of a dependency)`. */
  static Message.Execute execute(int units) {
    List<Message.Unit> list = new ArrayList<>(units);
    long runId = 7;
    for (int i = 0; i < units; i++) {
      int node = 1000 + i;
      Object[][] args = {{i, new Message.InputRef(runId, i, 1, 40123)}};
      byte[][] kinds = {{Plan.ARG_CONSTANT, Plan.ARG_REFERENCE}};
      list.add(new Message.Unit(new int[] {node}, new int[] {3}, args, kinds, false));
    }
    return new Message.Execute(runId, false, list);
  }

  static int scale(int x) {
    return 3 * x + 1;
  }

  /** A method reference, wrapped as {@code Delayed.of} wraps it. */
  static Message.DefineFunction methodRefMessage() {
    Fn1<Integer, Integer> fn = SerializationBenchmark::scale;
    return new Message.DefineFunction(3, functionOf(fn));
  }

  /** A lambda capturing a small array and a number, the usual shape of a parameterised task. */
  static Message.DefineFunction capturingMessage() {
    double[] weights = {0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625};
    double offset = 1.5;
    Fn1<Integer, Integer> fn = x -> (int) (x * weights[x % weights.length] + offset);
    return new Message.DefineFunction(4, functionOf(fn));
  }

  private static TaskFunction functionOf(Fn1<Integer, Integer> fn) {
    return Delayed.of(fn).call(1).task().function();
  }

  static Message.NodeStarted started() {
    return new Message.NodeStarted(7, 1000, "jdask-worker-1", 123_456_789L);
  }

  static Message.UnitFinished finished(Object value) {
    long t = 123_456_789L;
    return new Message.UnitFinished(7, 1000, new int[] {1000}, new long[] {t}, new long[] {t + 5_000},
        "jdask-worker-1", 16, true, value);
  }

  static double[] large() {
    double[] d = new double[LARGE];
    for (int i = 0; i < d.length; i++) {
      d[i] = i * 0.5;
    }
    return d;
  }

  /** Fails the run if a codec does not give back what it was given. */
  static void check(Message sent, Object got) {
    boolean ok;
    if (sent instanceof Message.Execute e && got instanceof Message.Execute g) {
      ok = e.runId() == g.runId() && e.units().size() == g.units().size();
      for (int i = 0; ok && i < e.units().size(); i++) {
        Message.Unit a = e.units().get(i);
        Message.Unit b = g.units().get(i);
        ok = Arrays.equals(a.nodes(), b.nodes()) && Arrays.equals(a.fnIds(), b.fnIds())
            && Arrays.deepEquals(a.args(), b.args()) && Arrays.deepEquals(a.argKinds(), b.argKinds());
      }
    } else if (sent instanceof Message.DefineFunction d && got instanceof Message.DefineFunction g) {
      try {
        ok = d.fnId() == g.fnId() && g.function().apply(new Object[] {5}).equals(d.function().apply(new Object[] {5}));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    } else if (sent instanceof Message.NodeStarted n && got instanceof Message.NodeStarted g) {
      ok = n.equals(g);
    } else if (sent instanceof Message.UnitFinished f && got instanceof Message.UnitFinished g) {
      ok = Arrays.equals(f.ends(), g.ends()) && f.thread().equals(g.thread())
          && Arrays.deepEquals(new Object[] {f.value()}, new Object[] {g.value()});
    } else {
      ok = false;
    }
    if (!ok) {
      throw new IllegalStateException("round trip changed " + sent.getClass().getSimpleName() + ": got " + got);
    }
  }

  // ---- the codecs ---------------------------------------------------------------------------

  /** Encode to a frame's bytes and decode them, as a sender and a receiver would. */
  abstract static class Codec {
    abstract byte[] encode(Object message);

    abstract Object decode(byte[] frame);

    Object roundTrip(Object message) {
      return decode(encode(message));
    }

    static Codec of(String name) {
      return switch (name) {
        case "javaio" -> new JavaIo();
        case "fory" -> new ForyCodec(true, false);
        case "foryNoCodegen" -> new ForyCodec(false, false);
        case "foryAsync" -> new ForyCodec(true, true); // for 'cold' only: reflection until compiled
        case "kryo" -> new KryoCodec();
        default -> throw new IllegalArgumentException(name);
      };
    }
  }

  /** Production: {@link Wire}, with its filter. */
  static final class JavaIo extends Codec {
    private final ClassLoader loader = SerializationBenchmark.class.getClassLoader();

    @Override
    byte[] encode(Object message) {
      try {
        return Wire.encode(message);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    Object decode(byte[] frame) {
      try {
        return Wire.decode(frame, loader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Fory, Java mode: no class registration (user classes and lambdas arrive by name), reference
   * tracking on (user values may share or cycle, as java.io allows), the schema-consistent mode
   * (client and workers share one classpath). Fory always refuses its own built-in list of gadget
   * classes; the {@link TypeChecker} adds jdask's {@link Wire#DENIED}. A thread-safe instance,
   * as the client's dispatch thread and the connection readers would share it. With {@code
   * codegen} false, Fory serialises by reflection instead of compiling a serializer per class at
   * run time: slower per message, much cheaper for the first message of each class. With {@code
   * asyncCompilation}, Fory starts by reflection and compiles in the background.
   */
  static final class ForyCodec extends Codec {
    static final TypeChecker DENY = (resolver, className) -> !Wire.denied(className);
    private final ThreadSafeFory fory;

    ForyCodec(boolean codegen, boolean asyncCompilation) {
      fory = Fory.builder()
          .withLanguage(Language.JAVA)
          .requireClassRegistration(false)
          .suppressClassRegistrationWarnings(true)
          .withRefTracking(true)
          .withCodegen(codegen)
          .withAsyncCompilation(asyncCompilation)
          .withTypeChecker(DENY)
          .withClassLoader(SerializationBenchmark.class.getClassLoader())
          .buildThreadSafeFory();
    }

    @Override
    byte[] encode(Object message) {
      return fory.serialize(message);
    }

    @Override
    Object decode(byte[] frame) {
      return fory.deserialize(frame);
    }
  }

  /**
   * Kryo: registration not required (classes travel by name), references on, Objenesis for
   * classes without a no-argument constructor (records and the function adapters have none),
   * {@link ClosureSerializer} for lambdas (which also needs {@code --add-opens
   * java.base/java.lang.invoke}). Kryo has no deserialisation filter: the class resolver below
   * refuses {@link Wire#DENIED} names as they are read. Kryo instances are not thread-safe, so
   * a pool, as a multi-threaded sender would need.
   */
  static final class KryoCodec extends Codec {
    private static final class Instance {
      final Kryo kryo = new Kryo(new DenyingResolver(), new MapReferenceResolver());
      final Output output = new Output(256, -1);
      final Input input = new Input();

      Instance() {
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.setClassLoader(SerializationBenchmark.class.getClassLoader());
        kryo.register(ClosureSerializer.Closure.class, new ClosureSerializer());
      }
    }

    /** Kryo's hook for names read off the wire. */
    static final class DenyingResolver extends DefaultClassResolver {
      @Override
      protected Class<?> getTypeByName(String className) {
        if (Wire.denied(className)) {
          throw new KryoException("class refused by jdask's deny-list: " + className);
        }
        return super.getTypeByName(className);
      }
    }

    private final Pool<Instance> pool = new Pool<>(true, false, 8) {
      @Override
      protected Instance create() {
        return new Instance();
      }
    };

    @Override
    byte[] encode(Object message) {
      Instance k = pool.obtain();
      try {
        k.output.reset();
        k.kryo.writeClassAndObject(k.output, message);
        return k.output.toBytes();
      } finally {
        pool.free(k);
      }
    }

    @Override
    Object decode(byte[] frame) {
      Instance k = pool.obtain();
      try {
        k.input.setBuffer(frame);
        return k.kryo.readClassAndObject(k.input);
      } finally {
        pool.free(k);
      }
    }
  }

  /**
   * Prints each message's frame size per codec, after checking every round trip; with {@code
   * cold CODEC}, instead times in this fresh JVM the codec's creation and the first round trip of
   * each message, as a new worker pays them.
   */
  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("cold")) {
      cold(args[1]);
      return;
    }
    List<String> names = List.of("execute1", "execute64", "defineMethodRef", "defineCapturing", "nodeStarted",
        "finishedSmall", "finishedDouble1MiB");
    List<Message> messages = List.of(execute(1), execute(BATCH), methodRefMessage(), capturingMessage(), started(),
        finished(42.5), finished(large()));
    System.out.printf(Locale.ROOT, "%-20s %14s %14s %14s %14s%n", "frame bytes", "javaio", "fory", "foryNoCodegen", "kryo");
    List<Codec> codecs = List.of(Codec.of("javaio"), Codec.of("fory"), Codec.of("foryNoCodegen"), Codec.of("kryo"));
    for (int i = 0; i < messages.size(); i++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s", names.get(i)));
      for (Codec k : codecs) {
        byte[] frame = k.encode(messages.get(i));
        check(messages.get(i), k.decode(frame));
        line.append(String.format(Locale.ROOT, " %,14d", frame.length));
      }
      System.out.println(line);
    }
  }

  private static void cold(String codec) {
    long t0 = System.nanoTime();
    Codec k = Codec.of(codec);
    long t1 = System.nanoTime();
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7s create %6.1f ms", codec, (t1 - t0) / 1e6));
    Message[] messages = {execute(BATCH), methodRefMessage(), capturingMessage(), finished(42.5)};
    String[] names = {"execute64", "defineMethodRef", "defineCapturing", "finishedSmall"};
    for (int i = 0; i < messages.length; i++) {
      long a = System.nanoTime();
      Object got = k.roundTrip(messages[i]);
      long b = System.nanoTime();
      check(messages[i], got);
      line.append(String.format(Locale.ROOT, ", first %s %6.1f ms", names[i], (b - a) / 1e6));
    }
    System.out.println(line);
  }
}
