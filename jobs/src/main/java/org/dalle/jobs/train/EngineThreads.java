package org.dalle.jobs.train;

/** The engine's CPU thread counts, which a job sets before the engine first loads. */
public final class EngineThreads {
  private EngineThreads() {}

  /**
   * Sets the engine's intra-op thread count (and one inter-op thread) when {@code threads} is
   * positive; 0 keeps the engine's default. Takes effect only before the engine first loads.
   */
  public static void beforeLoad(int threads) {
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }
}
