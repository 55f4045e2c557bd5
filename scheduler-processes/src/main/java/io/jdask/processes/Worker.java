package io.jdask.processes;

import io.jdask.graph.Plan;
import io.jdask.graph.Releasable;
import io.jdask.graph.TaskFunction;
import io.jdask.spi.EventClock;
import io.jdask.spi.LocalRun;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker runtime: one per worker JVM. It runs the units its client sends on a pool of
 * threads, keeps their results (only a requested output goes back), serves results to peer
 * workers, and reports what happened. It exits when its client goes away: when the connection
 * closes, and when the parent process ends (also after {@code kill -9}).
 *
 * <p>Worker-side state is plain: a store of results keyed by (run, node), the functions shipped
 * so far, and the threads running each run's tasks (to interrupt them on a cancel). All
 * decisions are the client's.
 */
final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  /** Stands for a null result in the store (which cannot hold null). */
  private static final Object NULL = new Object();

  private final int id;
  private final int threads;
  private final String token;
  private final ThreadPoolExecutor pool;
  private final ConcurrentHashMap<Long, Object> store = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, TaskFunction> functions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Set<Thread>> running = new ConcurrentHashMap<>();
  // Runs the client gave up (failed or cancelled): their queued units must not start. Run ids
  // grow, so remembering those below a floor would do; a set of longs per failed run is small.
  private final Set<Long> forgotten = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tasksRunning = new AtomicInteger();
  private final PeerFetcher fetcher;
  private final ServerSocket peerServer;
  private DataOutputStream toClient;
  private final Object sendLock = new Object();
  // Reports queue here; one sender thread writes whatever has queued as one frame, so a burst
  // of short tasks costs one serialization stream and one flush, not one per task.
  private final LinkedBlockingQueue<Message> outbox = new LinkedBlockingQueue<>();

  Worker(int id, int threads, String token) throws IOException {
    this.id = id;
    this.threads = threads;
    this.token = token;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "jdask-worker-" + id + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.fetcher = new PeerFetcher(token);
    this.peerServer = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
  }

  static long storeKey(long runId, int node) {
    return (runId << 32) | (node & 0xffffffffL);
  }

  /** Connects to the client and serves it until it goes away. */
  void serve(int clientPort) throws IOException {
    watchParent();
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), clientPort);
    socket.setTcpNoDelay(true);
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    toClient = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    synchronized (sendLock) {
      Wire.writeHandshake(toClient, token);
      toClient.writeInt(id);
      toClient.writeInt(peerServer.getLocalPort());
      toClient.writeLong(ProcessHandle.current().pid());
      toClient.writeInt(threads);
      toClient.flush();
    }
    daemon("jdask-worker-sender", this::sendLoop);
    daemon("jdask-worker-peers", this::acceptPeers);
    daemon("jdask-worker-heartbeat", this::heartbeat);
    try {
      while (true) {
        byte[] frame = Wire.readFrame(in);
        Object msg;
        try {
          msg = Wire.decode(frame, Worker.class.getClassLoader());
        } catch (IOException | RuntimeException unreadable) {
          // Say why rather than die: the usual cause is a class missing from this JVM's class path.
          log.error("worker {}: cannot read a message", id, unreadable);
          send(new Message.Unreadable(unreadable.toString()
              + (unreadable.getCause() != null ? " (" + unreadable.getCause() + ")" : "")
              + "; worker class path: " + System.getProperty("java.class.path")));
          continue;
        }
        if (msg instanceof Message.Shutdown) {
          break;
        }
        handle((Message) msg);
      }
    } catch (EOFException e) {
      log.debug("worker {}: the client closed the connection", id);
    } finally {
      pool.shutdownNow();
      fetcher.close();
      peerServer.close();
      socket.close();
    }
  }

  private void watchParent() {
    // A kill -9 of the client closes the socket too, but a stuck client might not: both end us.
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      log.info("worker {}: parent process {} ended; exiting", id, parent.pid());
      Runtime.getRuntime().halt(0);
    }));
  }

  private void handle(Message msg) {
    if (msg instanceof Message.DefineFunction d) {
      functions.put(d.fnId(), d.function());
    } else if (msg instanceof Message.Execute e) {
      Runnable unitDone = releaserOfConstants(e);
      for (Message.Unit u : e.units()) {
        pool.execute(() -> {
          try {
            runUnit(e.runId(), e.observed(), u);
          } finally {
            unitDone.run();
          }
        });
      }
    } else if (msg instanceof Message.Release r) {
      for (int node : r.nodes()) {
        Releasable.releaseIfOwned(store.remove(storeKey(r.runId(), node)));
      }
    } else if (msg instanceof Message.Forget f) {
      Set<Thread> ts = running.remove(f.runId());
      if (f.interrupt()) {
        forgotten.add(f.runId());
        if (ts != null) {
          ts.forEach(Thread::interrupt);
        }
      }
      for (Long k : new ArrayList<>(store.keySet())) {
        if ((k >>> 32) == f.runId()) {
          Releasable.releaseIfOwned(store.remove(k));
        }
      }
    } else {
      log.warn("worker {}: unexpected message {}", id, msg.getClass().getSimpleName());
    }
  }

  /**
   * Constant arguments arrive deserialized with their message, which is their only owner here;
   * those that hold off-heap memory (a persisted Arrow chunk sent along with its tasks) are
   * released once every unit of the message has run. Units of one message may share one
   * deserialized object, so nothing is released before the last of them.
   */
  private static Runnable releaserOfConstants(Message.Execute e) {
    Set<Object> owned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Message.Unit u : e.units()) {
      for (int i = 0; i < u.args().length; i++) {
        for (int k = 0; k < u.args()[i].length; k++) {
          byte kind = u.argKinds()[i][k];
          if (kind == Plan.ARG_CONSTANT || kind == Plan.ARG_NESTED) {
            collectReleasable(u.args()[i][k], owned);
          }
        }
      }
    }
    if (owned.isEmpty()) {
      return () -> { };
    }
    AtomicInteger left = new AtomicInteger(e.units().size());
    return () -> {
      if (left.decrementAndGet() == 0) {
        owned.forEach(Releasable::releaseIfOwned);
      }
    };
  }

  private static void collectReleasable(Object o, Set<Object> into) {
    if (o instanceof Releasable) {
      into.add(o);
    } else if (o instanceof java.util.Collection<?> c) {
      c.forEach(x -> collectReleasable(x, into));
    } else if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        collectReleasable(k, into);
        collectReleasable(v, into);
      });
    }
  }

  private void runUnit(long runId, boolean observed, Message.Unit u) {
    if (forgotten.contains(runId)) {
      return;
    }
    Thread me = Thread.currentThread();
    Set<Thread> mine = running.computeIfAbsent(runId, r -> ConcurrentHashMap.newKeySet());
    mine.add(me);
    tasksRunning.incrementAndGet();
    int n = u.nodes().length;
    long[] starts = new long[n];
    long[] ends = new long[n];
    Object value = null;
    List<Object> fetched = new ArrayList<>(0); // copies of other workers' results, used once
    int i = 0;
    try {
      for (; i < n; i++) {
        int node = u.nodes()[i];
        Object[] args = resolve(u.args()[i], u.argKinds()[i], fetched);
        starts[i] = EventClock.epochNanos();
        if (observed) {
          send(new Message.NodeStarted(runId, node, me.getName(), starts[i]));
        }
        try {
          value = LocalRun.applyAsTask(functions.get(u.fnIds()[i]), args);
        } finally {
          fetched.forEach(Releasable::releaseIfOwned);
          fetched.clear();
        }
        ends[i] = EventClock.epochNanos();
        store.put(storeKey(runId, node), value == null ? NULL : value);
        if (i > 0) { // a fused member's only user has run
          Releasable.releaseIfOwned(store.remove(storeKey(runId, u.nodes()[i - 1])));
        }
      }
      send(new Message.UnitFinished(runId, u.nodes()[0], u.nodes(), starts, ends, me.getName(),
          SizeEstimator.estimate(value), u.returnValue(), u.returnValue() ? value : null));
    } catch (Throwable e) {
      int node = u.nodes()[Math.min(i, n - 1)];
      long end = EventClock.epochNanos();
      send(new Message.NodeFailed(runId, u.nodes()[0], node, me.getName(),
          starts[Math.min(i, n - 1)] == 0 ? end : starts[Math.min(i, n - 1)], end, portable(e)));
    } finally {
      tasksRunning.decrementAndGet();
      mine.remove(me);
      Thread.interrupted(); // a cancel's interrupt must not reach the next task
    }
  }

  private Object[] resolve(Object[] args, byte[] kinds, List<Object> fetched)
      throws InputUnavailableException {
    Object[] out = args.clone();
    for (int k = 0; k < out.length; k++) {
      if (kinds[k] == Plan.ARG_REFERENCE) {
        out[k] = input((Message.InputRef) out[k], fetched);
      } else if (kinds[k] == Plan.ARG_NESTED) {
        out[k] = resolveNested(out[k], fetched);
      }
    }
    return out;
  }

  /** Replaces references inside the ArrayList / LinkedHashSet / LinkedHashMap jdask built. */
  private Object resolveNested(Object o, List<Object> fetched) throws InputUnavailableException {
    if (o instanceof Message.InputRef r) {
      return input(r, fetched);
    }
    if (o instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object x : list) {
        out.add(resolveNested(x, fetched));
      }
      return out;
    }
    if (o instanceof Set<?> set) {
      Set<Object> out = new LinkedHashSet<>();
      for (Object x : set) {
        out.add(resolveNested(x, fetched));
      }
      return out;
    }
    if (o instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(resolveNested(e.getKey(), fetched), resolveNested(e.getValue(), fetched));
      }
      return out;
    }
    return o;
  }

  private Object input(Message.InputRef ref, List<Object> fetched) throws InputUnavailableException {
    Object v = store.get(storeKey(ref.runId(), ref.node()));
    if (v != null) {
      return v == NULL ? null : v;
    }
    if (ref.holder() == id) {
      throw new InputUnavailableException("node " + ref.node() + " is not in worker " + id, null);
    }
    Object copy = fetcher.fetch(ref);
    fetched.add(copy);
    return copy;
  }

  private Throwable portable(Throwable e) {
    try {
      Wire.encode(e);
      return e;
    } catch (IOException notSerializable) {
      return RemoteTaskError.copyOf(e);
    }
  }

  private void send(Message m) {
    outbox.add(m);
  }

  private void sendLoop() {
    List<Message> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(outbox.take());
      } catch (InterruptedException e) {
        return;
      }
      outbox.drainTo(batch, 4096);
      try {
        byte[] frame;
        try {
          frame = Wire.encode(batch.size() == 1 ? batch.get(0) : new Message.Batch(List.copyOf(batch)));
        } catch (java.io.NotSerializableException e) {
          frame = Wire.encode(new Message.Batch(serializableOnly(batch)));
        }
        synchronized (sendLock) {
          Wire.write(toClient, frame);
        }
      } catch (IOException e) {
        log.debug("worker {}: the client is gone ({}); exiting", id, e.toString());
        Runtime.getRuntime().halt(0);
      }
      batch.clear();
    }
  }

  /** Replaces each report that cannot be serialized (a result that is not Serializable) by a failure. */
  private List<Message> serializableOnly(List<Message> batch) {
    List<Message> out = new ArrayList<>(batch.size());
    for (Message m : batch) {
      try {
        Wire.encode(m);
        out.add(m);
      } catch (IOException e) {
        if (m instanceof Message.UnitFinished f) {
          out.add(new Message.NodeFailed(f.runId(), f.head(), f.nodes()[f.nodes().length - 1], f.thread(),
              f.starts()[0], f.ends()[f.ends().length - 1], new IllegalArgumentException(
                  "the task's result cannot be sent back to the client: " + e.getMessage()
                      + " is not Serializable", e)));
        } else {
          log.error("worker {}: cannot send {}", id, m.getClass().getSimpleName(), e);
        }
      }
    }
    return out;
  }

  private void acceptPeers() {
    while (!peerServer.isClosed()) {
      try {
        Socket s = peerServer.accept();
        s.setTcpNoDelay(true);
        daemon("jdask-worker-peer-" + s.getPort(), () -> servePeer(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void servePeer(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      if (!Wire.readHandshake(in, token)) {
        log.warn("worker {}: refused a peer connection without the cluster token", id);
        return;
      }
      while (true) {
        Message.Fetch f = (Message.Fetch) Wire.decode(Wire.readFrame(in), Worker.class.getClassLoader());
        Object v = store.get(storeKey(f.runId(), f.node()));
        Wire.write(out, Wire.encode(new Message.Fetched(v != null, v == NULL ? null : v)));
      }
    } catch (IOException e) {
      // the peer hung up
    }
  }

  private void heartbeat() {
    var memory = ManagementFactory.getMemoryMXBean();
    var os = ManagementFactory.getOperatingSystemMXBean();
    while (true) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      MemoryUsage heap = memory.getHeapMemoryUsage();
      double cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad() * Runtime.getRuntime().availableProcessors() : -1;
      // Direct and mapped NIO buffers: Arrow reserves its buffers as direct memory, and mapped
      // chunk files are mapped buffers, so this is what the worker holds outside its heap.
      long offHeap = 0;
      for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        offHeap += Math.max(0, p.getMemoryUsed());
      }
      send(new Message.Heartbeat(threads, tasksRunning.get(), heap.getUsed(), heap.getMax(), offHeap, cpu));
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
