package io.nyx.api;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Cuts off slow clients (slow-loris): a connection must deliver a complete request head (request
 * line and headers) within {@code headerTimeoutMs}, counted from accept or from the end of the
 * previous response, and a declared body within {@code bodyTimeoutMs} after its headers. Otherwise
 * its socket is closed. Time spent by Nyx itself (routing, the model call, streaming the answer)
 * never counts: only time in which the server waits for the client.
 *
 * <p>Why not Helidon's own knobs: the socket read timeout is per read, so one byte every few
 * seconds resets it forever, and the idle-connection timer closes gracefully ({@code
 * close(false)}), which interrupts a connection only while it waits for the request line, not while
 * it reads headers or a body (Helidon 4.5 {@code IdleTimeoutHandler}, {@code
 * Http1Connection.close}).
 *
 * <p>How the phases are seen, using only public Helidon 4.5 API: {@link #wrap} decorates the HTTP/1
 * {@link ServerConnectionSelector}, which Helidon calls at accept when it is the only protocol, so
 * every connection is registered before its first byte. While the connection waits for a request
 * line, {@link InterruptableTask#canInterrupt()} of {@code Http1Connection} is true and {@code
 * idleTime()} is the time since the last request ended (or since accept). The {@link #listener()}
 * receive events mark the request line read ({@code prologue}) and the headers read ({@code
 * headers}); {@link #bodyRead()}, called by Nyx's one body reader on the connection's own thread,
 * marks the body read. A body Nyx never reads (Helidon drains it after the handler) stays under the
 * body deadline until the next request line is awaited.
 *
 * <p>Thread-safe. One daemon thread checks every connection each {@code tickMs}; {@link #close()}
 * stops it. The cut-off is therefore late by up to one tick (plus Helidon's one-second clock
 * resolution for the request-line wait).
 */
final class ConnectionDeadlines implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConnectionDeadlines.class.getName());

  /** The connection the current (Helidon connection) thread serves, for {@link #bodyRead()}. */
  private static final ThreadLocal<@Nullable Watched> CURRENT = new ThreadLocal<>();

  private final long headerTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final LongSupplier nanoClock;
  private final Set<Watched> connections = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<ConnectionContext, Watched> byContext = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;

  ConnectionDeadlines(long headerTimeoutMs, long bodyTimeoutMs, LongSupplier nanoClock) {
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
    this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
    this.nanoClock = nanoClock;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("nyx-connection-deadlines").unstarted(r));
    long tickMs = Math.max(10, Math.min(250, Math.min(headerTimeoutMs, bodyTimeoutMs) / 8));
    ticker.scheduleWithFixedDelay(this::check, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /** Wraps Helidon's HTTP/1 selector so each connection it creates is watched. */
  ServerConnectionSelector wrap(ServerConnectionSelector http1) {
    return new WatchingSelector(http1);
  }

  /** Receive listener to add to the HTTP/1 protocol config. */
  Http1ConnectionListener listener() {
    return new Http1ConnectionListener() {
      @Override
      public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Watched w = byContext.get(ctx);
        if (w != null) {
          w.headStarted(nanoClock.getAsLong());
        }
      }

      @Override
      public void headers(ConnectionContext ctx, Headers headers) {
        Watched w = byContext.get(ctx);
        if (w != null) {
          w.headRead(hasBody(headers), nanoClock.getAsLong());
        }
      }
    };
  }

  /** Called after Nyx has read a request body, on the connection's thread. */
  static void bodyRead() {
    Watched w = CURRENT.get();
    if (w != null) {
      w.bodyRead();
    }
  }

  /**
   * Runs inside Helidon's header handling, so it must not throw: an exception here escapes as an
   * internal error (500) where Helidon itself answers a bad Content-Length (two of them, negative,
   * not a number, beyond a long) with 400 right after this listener returns.
   */
  private static boolean hasBody(Headers headers) {
    if (headers.contains(HeaderValues.TRANSFER_ENCODING_CHUNKED)) {
      return true;
    }
    try {
      return headers.contentLength().orElse(0) > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void check() {
    long now = nanoClock.getAsLong();
    for (Watched w : connections) {
      try {
        w.check(now);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "connection deadline check failed", e);
      }
    }
  }

  /** Connections being watched now (for tests and metrics). */
  int watched() {
    return connections.size();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  private enum Phase {
    /** Nyx is working on a request (or just accepted it): no client deadline. */
    SERVING,
    /** Waiting for the request line and headers. */
    HEAD,
    /** Headers read, a declared body not yet read. */
    BODY
  }

  /** One connection's phase; all transitions under its monitor. */
  private final class Watched {
    private final ConnectionContext ctx;
    private final ServerConnection connection;
    private Phase phase = Phase.SERVING;
    private long since;

    Watched(ConnectionContext ctx, ServerConnection connection) {
      this.ctx = ctx;
      this.connection = connection;
    }

    synchronized void headStarted(long now) {
      if (phase != Phase.HEAD) {
        phase = Phase.HEAD;
        since = now;
      }
    }

    synchronized void headRead(boolean body, long now) {
      phase = body ? Phase.BODY : Phase.SERVING;
      since = now;
    }

    synchronized void bodyRead() {
      if (phase == Phase.BODY) {
        phase = Phase.SERVING;
      }
    }

    /**
     * Runs on the ticker. Holding the monitor while asking the connection whether it awaits a
     * request line orders this against the listener events: a request line that arrives meanwhile
     * reaches {@link #headStarted} only after this returns.
     */
    synchronized void check(long now) {
      if (waitingForRequestLine() && phase != Phase.HEAD) {
        phase = Phase.HEAD;
        since = now - idleNanos();
      }
      long limit =
          switch (phase) {
            case SERVING -> Long.MAX_VALUE;
            case HEAD -> headerTimeoutNanos;
            case BODY -> bodyTimeoutNanos;
          };
      if (now - since > limit) {
        cut(now);
      }
    }

    private boolean waitingForRequestLine() {
      return connection instanceof InterruptableTask<?> t && t.canInterrupt();
    }

    private long idleNanos() {
      Duration idle = connection.idleTime();
      return idle.isNegative() ? 0 : idle.toNanos();
    }

    private void cut(long now) {
      String what = phase == Phase.HEAD ? "request head" : "request body";
      LOG.fine(
          () ->
              String.format(
                  java.util.Locale.ROOT,
                  "closing connection from %s: %s not complete after %d ms",
                  ctx.remotePeer().address(),
                  what,
                  TimeUnit.NANOSECONDS.toMillis(now - since)));
      phase = Phase.SERVING; // closed once; the connection thread ends and unregisters it
      since = now;
      ctx.serverSocket().close(); // the blocked read fails, Helidon ends the connection
    }
  }

  private final class WatchingSelector implements ServerConnectionSelector {
    private final ServerConnectionSelector delegate;

    WatchingSelector(ServerConnectionSelector delegate) {
      this.delegate = delegate;
    }

    @Override
    public int bytesToIdentifyConnection() {
      return delegate.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
      return delegate.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
      return delegate.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
      return new WatchedConnection(ctx, delegate.connection(ctx));
    }
  }

  /** Registers the connection for the time Helidon's connection thread serves it. */
  private final class WatchedConnection implements ServerConnection, InterruptableTask<Void> {
    private final ConnectionContext ctx;
    private final ServerConnection delegate;

    WatchedConnection(ConnectionContext ctx, ServerConnection delegate) {
      this.ctx = ctx;
      this.delegate = delegate;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
      Watched w = new Watched(ctx, delegate);
      byContext.put(ctx, w);
      connections.add(w);
      CURRENT.set(w);
      try {
        delegate.handle(limit);
      } finally {
        CURRENT.remove();
        connections.remove(w);
        byContext.remove(ctx);
      }
    }

    @SuppressWarnings("removal") // Helidon still declares it; ConnectionHandler calls handle(Limit)
    @Override
    public void handle(Semaphore requests) throws InterruptedException {
      delegate.handle(requests);
    }

    @Override
    public Duration idleTime() {
      return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
      delegate.close(interrupt);
    }

    @Override
    public boolean canInterrupt() {
      return delegate instanceof InterruptableTask<?> t && t.canInterrupt();
    }

    @Override
    public Void call() {
      throw new UnsupportedOperationException("a connection is run by handle(Limit)");
    }
  }
}
