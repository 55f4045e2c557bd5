package io.jdask.processes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Fetches results from other workers over loopback, so data moves worker to worker and never
 * through the client. Connections are pooled per peer; each carries one request at a time.
 */
final class PeerFetcher implements AutoCloseable {
  private final String token;
  private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<Connection>> idle = new ConcurrentHashMap<>();

  PeerFetcher(String token) {
    this.token = token;
  }

  Object fetch(Message.InputRef ref) throws InputUnavailableException {
    Connection c = idle.computeIfAbsent(ref.peerPort(), p -> new ConcurrentLinkedQueue<>()).poll();
    try {
      if (c == null) {
        c = new Connection(ref.peerPort(), token);
      }
      Wire.write(c.out, Wire.encode(new Message.Fetch(ref.runId(), ref.node())));
      Message.Fetched reply = (Message.Fetched) Wire.decode(Wire.readFrame(c.in), getClass().getClassLoader());
      idle.get(ref.peerPort()).add(c);
      if (!reply.found()) {
        throw new InputUnavailableException("worker " + ref.holder() + " no longer holds node " + ref.node(), null);
      }
      return reply.value();
    } catch (IOException e) {
      if (c != null) {
        c.close();
      }
      throw new InputUnavailableException("cannot fetch node " + ref.node() + " from worker " + ref.holder(), e);
    }
  }

  @Override
  public void close() {
    idle.values().forEach(q -> q.forEach(Connection::close));
  }

  private static final class Connection {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    Connection(int port, String token) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      Wire.writeHandshake(out, token);
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
