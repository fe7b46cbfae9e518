package org.dalle.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop training at the next step boundary, raised by SIGINT (Ctrl-C), SIGTERM
 * (Kubernetes pod termination) or code. The loop polls {@link #isRequested()} after each update,
 * writes a final checkpoint and exits with {@link #exitCode()}.
 *
 * <p>{@link #install()} replaces the JVM's handlers for the two signals, so the JVM does not start
 * shutting down (and DJL does not free native memory) under a checkpoint being written. A second
 * signal of the same kind is passed to the JVM's own handler, so a second Ctrl-C still ends a stuck
 * run at once. {@link #close()} puts the JVM's handlers back.
 *
 * <p>The exit code after a signal is 128 + its number (130, 143), not 0: a Kubernetes Job whose pod
 * was stopped must see a failure, so that it starts a new pod that resumes, instead of counting the
 * run as done. The pod's {@code terminationGracePeriodSeconds} must exceed one update plus one
 * checkpoint write.
 */
public final class StopSignal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

  private static final String[] SIGNALS = {"INT", "TERM"};

  private final CountDownLatch requested = new CountDownLatch(1);
  private final List<Runnable> restorers = new ArrayList<>();
  private volatile String reason;
  private volatile int exitCode;

  private StopSignal() {}

  /** A stop signal raised only by {@link #request}; for tests and embedded runs. */
  public static StopSignal manual() {
    return new StopSignal();
  }

  /**
   * A stop signal raised by SIGINT and SIGTERM as well as by {@link #request}.
   *
   * @throws IllegalArgumentException when the JVM does not let a handler be installed (e.g. it runs
   *     with {@code -Xrs})
   */
  public static StopSignal install() {
    StopSignal stop = new StopSignal();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      SignalHandler[] previous = new SignalHandler[1];
      previous[0] =
          Signal.handle(
              signal,
              received ->
                  stop.onSignal(
                      "SIG" + received.getName(),
                      128 + received.getNumber(),
                      () -> previous[0].handle(received)));
      stop.restorers.add(() -> Signal.handle(signal, previous[0]));
    }
    return stop;
  }

  /**
   * What a signal does: the first one requests a stop; a later one runs {@code escalate} (the JVM's
   * own handler, which exits).
   */
  void onSignal(String name, int code, Runnable escalate) {
    if (isRequested()) {
      escalate.run();
      return;
    }
    // A new line first: the progress bar may be halfway through its line on a terminal.
    System.err.println();
    LOG.warn(
        name
            + " received: stopping after the current step and writing a checkpoint"
            + " (send it again to exit at once)");
    request(name, code);
  }

  /**
   * Requests a stop; the first request's reason and code are kept.
   *
   * @param exitCode what {@link #exitCode()} returns
   */
  public synchronized void request(String reason, int exitCode) {
    if (isRequested()) {
      return;
    }
    this.reason = reason;
    this.exitCode = exitCode;
    requested.countDown();
  }

  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** What requested the stop, e.g. {@code SIGTERM}; empty when none was requested. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** The process exit code the request asks for; 0 when none was requested. */
  public int exitCode() {
    return exitCode;
  }

  /** Waits up to {@code timeout} for a request; returns whether one came. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return requested.await(timeout, unit);
  }

  /** Puts back the handlers that were there before {@link #install()}. */
  @Override
  public void close() {
    restorers.forEach(Runnable::run);
    restorers.clear();
  }
}
