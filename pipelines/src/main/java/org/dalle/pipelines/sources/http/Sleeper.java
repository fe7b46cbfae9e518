package org.dalle.pipelines.sources.http;

/** Waits between retries; injectable so tests check the backoff schedule without waiting. */
@FunctionalInterface
public interface Sleeper {

  /** {@link Thread#sleep(long)}. */
  Sleeper SYSTEM = Thread::sleep;

  void sleep(long millis) throws InterruptedException;
}
