package io.jdask.processes;

import io.jdask.graph.Plan;
import io.jdask.graph.TaskFunction;
import io.jdask.spi.Backend;
import io.jdask.spi.EventClock;
import io.jdask.spi.TaskEvents;
import io.jdask.spi.WorkerEvent;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROCESSES: tasks run in worker JVMs on this machine, started on first use with this JVM's
 * class path and the JVM flags Arrow needs, and reused by every computation. Results stay in
 * the worker that made them; only requested outputs come back.
 *
 * <p>This class owns the processes and connections; each computation's scheduling state is a
 * {@link ProcessRun}. Workers connect back to a server socket on loopback and must present the
 * token this backend put in their environment before anything they send is deserialised. A
 * worker that dies is replaced; its running tasks and lost results are the run's to recover.
 * Workers exit when this JVM does, also when it is killed (they watch their parent and their
 * connection).
 */
public final class ProcessesBackend implements Backend {
  private static final Logger log = LoggerFactory.getLogger(ProcessesBackend.class);
  private static final AtomicLong BYTES_FROM_WORKERS = new AtomicLong();
  static final List<String> JVM_FLAGS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--sun-misc-unsafe-memory-access=allow",
      "--enable-native-access=ALL-UNNAMED");

  private final ProcessesSettings settings;
  private final String token;
  private final ServerSocket server;
  private final Map<Integer, CompletableFuture<WorkerProcess>> pending = new ConcurrentHashMap<>();
  private final Map<Integer, WorkerProcess> live = new ConcurrentHashMap<>();
  private final Map<Long, ProcessRun> runs = new ConcurrentHashMap<>();
  private final IdentityHashMap<TaskFunction, Integer> functionIds = new IdentityHashMap<>();
  private final AtomicInteger nextWorkerId = new AtomicInteger();
  private volatile boolean closed;
  private final Thread acceptor;

  ProcessesBackend(ProcessesSettings settings) {
    this.settings = settings;
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    try {
      Files.createDirectories(settings.localDirectory());
      this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the processes scheduler: " + e.getMessage(), e);
    }
    acceptor = new Thread(this::acceptLoop, "jdask-processes-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Bytes this JVM has received from worker JVMs so far (all backends): what crossed to the client. */
  public static long bytesReceivedFromWorkers() {
    return BYTES_FROM_WORKERS.get();
  }

  @Override
  public String name() {
    return "processes(" + settings.workers() + "x" + settings.threadsPerWorker() + ")";
  }

  ProcessesSettings settings() {
    return settings;
  }

  @Override
  public List<Object> compute(Plan plan) {
    ensureWorkers();
    ProcessRun run = new ProcessRun(this, plan);
    runs.put(run.runId(), run);
    try {
      return run.execute();
    } finally {
      runs.remove(run.runId());
      for (WorkerProcess w : live.values()) {
        trySend(w, new Message.Forget(run.runId(), false));
      }
    }
  }

  /** The live workers now. */
  List<WorkerProcess> workers() {
    return new ArrayList<>(live.values());
  }

  /** The id of a function, assigning one the first time; checks that it can travel. */
  synchronized int functionId(TaskFunction fn, String taskKey) {
    Integer id = functionIds.get(fn);
    if (id == null) {
      Wire.requireSerializable(fn, describe(fn, taskKey));
      id = functionIds.size();
      functionIds.put(fn, id);
    }
    return id;
  }

  private static String describe(TaskFunction fn, String taskKey) {
    Object user = fn.userFunction();
    String what = io.jdask.graph.FunctionNames.serializedLambda(user)
        .map(l -> "the lambda " + l.getImplClass().replace('/', '.') + "." + l.getImplMethodName())
        .orElse("the function " + user.getClass().getName());
    return what + " (task '" + taskKey + "')";
  }

  boolean trySend(WorkerProcess w, Message m) {
    try {
      w.send(m);
      return true;
    } catch (IOException e) {
      workerLost(w, "send failed: " + e.getMessage());
      return false;
    }
  }

  // ---- worker lifecycle ------------------------------------------------------------------

  private synchronized void ensureWorkers() {
    if (closed) {
      throw new IllegalStateException("this processes backend is closed");
    }
    List<CompletableFuture<WorkerProcess>> starting = new ArrayList<>(pending.values());
    int missing = settings.workers() - live.size() - starting.size();
    for (int i = 0; i < missing; i++) {
      starting.add(startWorker());
    }
    for (CompletableFuture<WorkerProcess> f : starting) {
      try {
        f.get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("a worker JVM did not start within " + settings.startTimeout().toSeconds()
            + " s: " + e.getMessage() + " (see its output above; processes.jvm-options and processes.worker-heap"
            + " configure it)", e);
      }
    }
  }

  private CompletableFuture<WorkerProcess> startWorker() {
    int id = nextWorkerId.incrementAndGet();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    if (settings.heap() != null) {
      cmd.add("-Xmx" + settings.heap());
    }
    cmd.addAll(settings.jvmOptions());
    cmd.add("-Djdask.local-directory=" + settings.localDirectory());
    cmd.add("-cp");
    cmd.add(absoluteClassPath(System.getProperty("java.class.path")));
    cmd.add(WorkerMain.class.getName());
    cmd.add(String.valueOf(server.getLocalPort()));
    cmd.add(String.valueOf(id));
    cmd.add(String.valueOf(settings.threadsPerWorker()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(settings.localDirectory().toFile()).inheritIO();
    pb.environment().put(WorkerMain.TOKEN_ENV, token);
    CompletableFuture<WorkerProcess> joined = new CompletableFuture<>();
    pending.put(id, joined);
    try {
      Process p = pb.start();
      pendingProcesses.put(id, p);
      p.onExit().thenRun(() -> {
        if (!joined.isDone()) {
          joined.completeExceptionally(new IllegalStateException("worker " + id + " exited with code " + p.exitValue()));
          pending.remove(id);
        }
      });
      log.debug("started worker {} (pid {})", id, p.pid());
    } catch (IOException e) {
      pending.remove(id);
      joined.completeExceptionally(e);
    }
    return joined;
  }

  private final Map<Integer, Process> pendingProcesses = new ConcurrentHashMap<>();

  /** Workers run in the scratch directory, so relative class path entries must be made absolute. */
  static String absoluteClassPath(String classPath) {
    List<String> entries = new ArrayList<>();
    for (String e : classPath.split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e.endsWith("*") ? e : Path.of(e).toAbsolutePath().normalize().toString());
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000); // only for the handshake
        DataInputStream in = WorkerProcess.input(s);
        if (!Wire.readHandshake(in, token)) {
          log.warn("refused a connection from {} without the cluster token", s.getRemoteSocketAddress());
          s.close();
          continue;
        }
        int id = in.readInt();
        int peerPort = in.readInt();
        long pid = in.readLong();
        int threads = in.readInt();
        s.setSoTimeout(0);
        Process p = pendingProcesses.remove(id);
        CompletableFuture<WorkerProcess> joined = pending.remove(id);
        if (p == null || joined == null) {
          s.close();
          continue;
        }
        WorkerProcess w = new WorkerProcess(id, p);
        w.connected(s, in, peerPort, pid, threads);
        live.put(id, w);
        Thread reader = new Thread(() -> readLoop(w), "jdask-processes-" + w.name());
        reader.setDaemon(true);
        reader.start();
        joined.complete(w);
        runs.values().forEach(r -> r.post(new ProcessRun.WorkerJoined(w)));
      } catch (SocketTimeoutException e) {
        log.warn("a worker connection did not complete its handshake in time");
      } catch (IOException e) {
        if (!closed) {
          log.warn("accepting a worker failed", e);
        }
      }
    }
  }

  private void readLoop(WorkerProcess w) {
    try {
      while (true) {
        byte[] frame = Wire.readFrame(w.in);
        BYTES_FROM_WORKERS.addAndGet(frame.length + 4L);
        Object msg;
        try {
          msg = Wire.decode(frame, ProcessesBackend.class.getClassLoader());
        } catch (IOException unreadable) {
          // Not a crash: the worker said something this JVM refuses or cannot read. Fail the
          // computations with the reason, and drop the worker (its stream is no longer trusted).
          log.error("{} sent a message that cannot be read", w.name(), unreadable);
          runs.values().forEach(r -> r.post(new ProcessRun.WorkerFault(w, unreadable)));
          workerLost(w, "unreadable message: " + unreadable.getMessage());
          return;
        }
        List<Message> messages = msg instanceof Message.Batch b ? b.messages() : List.of((Message) msg);
        for (Message m : messages) {
          receive(w, m);
        }
      }
    } catch (IOException e) {
      workerLost(w, e instanceof java.io.EOFException ? "its connection closed" : e.toString());
    }
  }

  private void receive(WorkerProcess w, Message msg) {
    {
      {
        if (msg instanceof Message.Heartbeat h) {
          if (TaskEvents.active()) {
            TaskEvents.publish(new WorkerEvent(w.name(), h.threads(), h.tasksRunning(), h.heapUsed(),
                h.heapMax(), h.offHeapUsed(), h.cpuLoad(), EventClock.epochNanos()));
          }
        } else if (msg instanceof Message.NodeStarted m) {
          route(m.runId(), w, m);
        } else if (msg instanceof Message.UnitFinished m) {
          route(m.runId(), w, m);
        } else if (msg instanceof Message.NodeFailed m) {
          route(m.runId(), w, m);
        } else if (msg instanceof Message.Unreadable u) {
          log.error("{} could not read a message: {}", w.name(), u.error());
          runs.values().forEach(r -> r.post(new ProcessRun.WorkerFault(w, new IOException(u.error()))));
        }
      }
    }
  }

  private void route(long runId, WorkerProcess from, Message m) {
    ProcessRun run = runs.get(runId);
    if (run != null) {
      run.post(new ProcessRun.FromWorker(from, m));
    }
  }

  /** Forgets a worker that died or stopped answering, tells the runs, and starts a replacement. */
  void workerLost(WorkerProcess w, String why) {
    synchronized (w) {
      if (w.lost) {
        return;
      }
      w.lost = true;
    }
    live.remove(w.id);
    w.closeConnection();
    w.process.destroyForcibly();
    if (closed) {
      return;
    }
    log.warn("{} (pid {}) lost: {}; starting a replacement", w.name(), w.pid, why);
    runs.values().forEach(r -> r.post(new ProcessRun.WorkerLost(w)));
    synchronized (this) {
      startWorker();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (WorkerProcess w : live.values()) {
      try {
        w.send(new Message.Shutdown());
      } catch (IOException ignored) {
        // it is going anyway
      }
    }
    List<Process> all = new ArrayList<>(pendingProcesses.values());
    live.values().forEach(w -> all.add(w.process));
    for (Process p : all) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    live.values().forEach(WorkerProcess::closeConnection);
    live.clear();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
