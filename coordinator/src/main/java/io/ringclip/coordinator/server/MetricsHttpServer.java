package io.ringclip.coordinator.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and {@code GET /healthz} (200 "SERVING" or
 * 503 "NOT_SERVING", for container healthchecks that have curl but no gRPC probe) from the JDK's
 * HTTP server.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Metrics only; {@code /healthz} answers SERVING while this server runs. */
    public static MetricsHttpServer start(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        return start(address, registry, () -> true);
    }

    /** Metrics of {@code coordinator}, and its health on {@code /healthz}. */
    public static MetricsHttpServer start(InetSocketAddress address, CoordinatorServer coordinator) throws IOException {
        return start(address, coordinator.meterRegistry(), coordinator::isServing);
    }

    public static MetricsHttpServer start(InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier serving)
            throws IOException {
        HttpServer http = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ringclip-metrics-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    respond(exchange, 405, "text/plain", "method not allowed: " + exchange.getRequestMethod() + "\n");
                } else {
                    respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                }
            }
        });
        http.createContext("/healthz", exchange -> {
            try (exchange) {
                boolean ok = serving.getAsBoolean();
                respond(exchange, ok ? 200 : 503, "text/plain", ok ? "SERVING\n" : "NOT_SERVING\n");
            }
        });
        http.start();
        return new MetricsHttpServer(http, executor);
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
