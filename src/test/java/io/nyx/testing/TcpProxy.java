package io.nyx.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that can cut a dependency off: {@link #down()} drops every open
 * connection and answers new ones by closing them at once, {@link #up()} forwards again. Used to
 * take PostgreSQL away from Nyx without stopping it.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private volatile int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean up = true;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tcp-proxy").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  public void down() {
    up = false;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  public void up() {
    up = true;
  }

  /** Forwards new connections to {@code port} from now on (a restarted server on a new port). */
  public void retarget(int port) {
    targetPort = port;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (!up) {
          closeQuietly(client);
          continue;
        }
        Socket target;
        try {
          target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException refused) {
          closeQuietly(client); // like the server itself: refuse rather than hold the client
          continue;
        }
        open.add(client);
        open.add(target);
        Thread.ofVirtual().start(() -> pipe(client, target));
        Thread.ofVirtual().start(() -> pipe(target, client));
      } catch (IOException e) {
        // server closed, or the target refused: the client sees a closed connection
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
    server.close();
  }
}
