package org.dalle.pipelines.sources.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A real HTTP server on 127.0.0.1 with one handler per behaviour the fetcher must handle. It counts
 * the requests each path receives, so tests can prove retries happened or that nothing was sent.
 */
public final class LoopbackImageServer implements AutoCloseable {
  public static final byte[] PNG = encode("png", Color.RED);
  public static final byte[] JPEG = encode("jpg", Color.BLUE);

  /** Bytes the oversize handlers send; tests use a byte cap below it and above the images. */
  public static final int OVERSIZE_BYTES = 256 * 1024;

  /** How long /slow waits before answering; tests use a read timeout well below it. */
  public static final long SLOW_MILLIS = 3_000;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger totalRequests = new AtomicInteger();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  public LoopbackImageServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(executor);
    handle("/good.png", ex -> send(ex, 200, "image/png", PNG));
    handle("/good.jpg", ex -> send(ex, 200, "image/jpeg", JPEG));
    handle("/missing", ex -> send(ex, 404, "text/plain", bytes("not found")));
    handle(
        "/flaky",
        ex -> {
          if (requests("/flaky") == 1) {
            send(ex, 500, "text/plain", bytes("try again"));
          } else {
            send(ex, 200, "image/png", PNG);
          }
        });
    handle("/unavailable", ex -> send(ex, 503, "text/plain", bytes("down")));
    handle(
        "/busy",
        ex -> {
          if (requests("/busy") == 1) {
            ex.getResponseHeaders().add("Retry-After", "2");
            send(ex, 429, "text/plain", bytes("slow down"));
          } else {
            send(ex, 200, "image/png", PNG);
          }
        });
    handle(
        "/slow",
        ex -> {
          try {
            Thread.sleep(SLOW_MILLIS);
          } catch (InterruptedException e) {
            // close() interrupts the sleep; answer nothing more.
            Thread.currentThread().interrupt();
            ex.close();
            return;
          }
          send(ex, 200, "image/png", PNG);
        });
    handle("/page.html", ex -> send(ex, 200, "text/html; charset=utf-8", bytes("<html></html>")));
    handle("/huge-declared", ex -> send(ex, 200, "image/png", new byte[OVERSIZE_BYTES]));
    handle(
        "/huge-streamed",
        ex -> {
          ex.getResponseHeaders().add("Content-Type", "image/png");
          ex.sendResponseHeaders(200, 0); // 0 = chunked, no Content-Length
          try (OutputStream body = ex.getResponseBody()) {
            body.write(new byte[OVERSIZE_BYTES]);
          }
        });
    handle(
        "/noai",
        ex -> {
          ex.getResponseHeaders().add("X-Robots-Tag", "noai");
          send(ex, 200, "image/png", PNG);
        });
    handle(
        "/otherbot-noimageai",
        ex -> {
          ex.getResponseHeaders().add("X-Robots-Tag", "noindex");
          ex.getResponseHeaders().add("X-Robots-Tag", "otherbot: NoImageAI, nofollow");
          send(ex, 200, "image/png", PNG);
        });
    handle(
        "/robots-harmless",
        ex -> {
          ex.getResponseHeaders().add("X-Robots-Tag", "noindex, nofollow");
          send(ex, 200, "image/png", PNG);
        });
    handle("/redirect-to-good", ex -> redirect(ex, "/good.png"));
    handle("/loop-a", ex -> redirect(ex, "/loop-b"));
    handle("/loop-b", ex -> redirect(ex, "/loop-a"));
    handle(
        "/chain/",
        ex -> {
          int left = Integer.parseInt(ex.getRequestURI().getPath().substring("/chain/".length()));
          redirect(ex, left == 0 ? "/good.png" : "/chain/" + (left - 1));
        });
    handle(
        "/redirect-to-metadata",
        ex -> redirect(ex, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"));
    handle(
        "/redirect-to-localhost",
        ex -> redirect(ex, "http://localhost:" + server.getAddress().getPort() + "/good.png"));
    handle("/redirect-to-ftp", ex -> redirect(ex, "ftp://127.0.0.1/secret.png"));
    handle("/redirect-without-location", ex -> send(ex, 302, "text/plain", bytes("moved")));
    server.start();
  }

  /** The URL of {@code path} on this server, e.g. {@code http://127.0.0.1:PORT/good.png}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests {@code path} has received since the last {@link #resetCounts()}. */
  public int requests(String path) {
    AtomicInteger count = requests.get(path);
    return count == null ? 0 : count.get();
  }

  /** Requests all paths together have received since the last {@link #resetCounts()}. */
  public int totalRequests() {
    return totalRequests.get();
  }

  /** Distinct client ports seen since the last {@link #resetCounts()}: one per TCP connection. */
  public int connections() {
    return clientPorts.size();
  }

  public void resetCounts() {
    requests.clear();
    totalRequests.set(0);
    clientPorts.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private void handle(String prefix, Handler handler) {
    HttpHandler counting =
        exchange -> {
          requests
              .computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
              .incrementAndGet();
          totalRequests.incrementAndGet();
          clientPorts.add(exchange.getRemoteAddress().getPort());
          handler.handle(exchange);
        };
    server.createContext(prefix, counting);
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1); // -1 = no body
    exchange.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] encode(String format, Color color) {
    BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, (x + y) % 2 == 0 ? color.getRGB() : Color.WHITE.getRGB());
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
