package io.nyx.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Sends hand-written HTTP/1.1 bytes to a server on loopback and reads what comes back until the
 * server closes the connection or {@code wait} passes, for requests no ordinary client will send
 * (broken framing, foreign Host headers, a client that stops mid-body).
 */
public final class RawHttp {
  private RawHttp() {}

  /**
   * What came back: the raw response bytes as ISO-8859-1 text, whether the server closed the
   * connection (end of stream or reset) within the wait, and after how many milliseconds.
   */
  public record Exchange(String raw, boolean closed, long millis) {
    /** The status of the first response, or 0 when none came. */
    public int status() {
      if (!raw.startsWith("HTTP/1.1 ")) {
        return 0;
      }
      return Integer.parseInt(raw.substring(9, 12));
    }

    /** The first response's header, case-insensitive. */
    public Optional<String> header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return head()
          .lines()
          .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(l -> l.substring(prefix.length()).strip())
          .findFirst();
    }

    /** Everything after the first response's head. */
    public String body() {
      int end = raw.indexOf("\r\n\r\n");
      return end < 0 ? "" : raw.substring(end + 4);
    }

    private String head() {
      int end = raw.indexOf("\r\n\r\n");
      return end < 0 ? raw : raw.substring(0, end);
    }
  }

  /** Writes {@code request} and reads until the server closes or {@code wait} passes. */
  public static Exchange send(int port, String request, Duration wait) {
    return exchange(port, request, false, wait);
  }

  /**
   * Writes {@code request}, then closes the sending half of the socket (a client that stops in the
   * middle of its body), and reads as {@link #send} does.
   */
  public static Exchange sendThenStop(int port, String request, Duration wait) {
    return exchange(port, request, true, wait);
  }

  private static Exchange exchange(int port, String request, boolean stop, Duration wait) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      if (stop) {
        socket.shutdownOutput();
      }
      return read(socket, wait);
    } catch (IOException e) {
      throw new AssertionError("cannot talk to 127.0.0.1:" + port, e);
    }
  }

  private static Exchange read(Socket socket, Duration wait) throws IOException {
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    StringBuilder text = new StringBuilder();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    boolean closed = false;
    while (!closed) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
      if (left <= 0) {
        break;
      }
      socket.setSoTimeout((int) left);
      try {
        int n = in.read(buffer);
        if (n < 0) {
          closed = true;
        } else {
          text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        break;
      } catch (SocketException e) {
        closed = true; // reset: closed as well
      }
    }
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    return new Exchange(text.toString(), closed, millis);
  }
}
