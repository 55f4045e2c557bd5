package io.jdask.processes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's handle on one worker JVM: its process, its connection, and which functions it
 * has been sent. Sending is thread-safe; one reader thread per worker hands incoming messages to
 * the backend.
 */
final class WorkerProcess {
  final int id;
  final Process process;
  final Set<Integer> functionsSent = ConcurrentHashMap.newKeySet();
  private Socket socket;
  private DataOutputStream out;
  DataInputStream in;
  int peerPort;
  long pid;
  int threads;
  private final Object sendLock = new Object();
  volatile boolean lost;

  WorkerProcess(int id, Process process) {
    this.id = id;
    this.process = process;
  }

  String name() {
    return "worker-" + id;
  }

  /** Adopts the connection the worker opened; the handshake is already checked. */
  void connected(Socket s, DataInputStream in, int peerPort, long pid, int threads) throws IOException {
    this.socket = s;
    this.in = in;
    this.out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
    this.peerPort = peerPort;
    this.pid = pid;
    this.threads = threads;
  }

  static DataInputStream input(Socket s) throws IOException {
    return new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
  }

  void send(byte[] frame) throws IOException {
    synchronized (sendLock) {
      Wire.write(out, frame);
    }
  }

  void send(Message m) throws IOException {
    send(Wire.encode(m));
  }

  boolean alive() {
    return !lost && process.isAlive();
  }

  void closeConnection() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing
    }
  }
}
