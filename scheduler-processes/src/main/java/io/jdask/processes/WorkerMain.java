package io.jdask.processes;

/**
 * Entry point of a worker JVM started by the processes scheduler:
 * {@code java … io.jdask.processes.WorkerMain <client-port> <worker-id> <threads>}, with the
 * cluster token in the environment variable {@code JDASK_WORKER_TOKEN}. Connects to the client
 * on loopback and serves it until it goes away.
 */
public final class WorkerMain {
  static final String TOKEN_ENV = "JDASK_WORKER_TOKEN";

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: WorkerMain <client-port> <worker-id> <threads>");
      System.exit(2);
    }
    String token = System.getenv(TOKEN_ENV);
    if (token == null || token.isEmpty()) {
      System.err.println("jdask worker: no " + TOKEN_ENV + " in the environment");
      System.exit(2);
    }
    new Worker(Integer.parseInt(args[1]), Integer.parseInt(args[2]), token).serve(Integer.parseInt(args[0]));
    System.exit(0);
  }
}
