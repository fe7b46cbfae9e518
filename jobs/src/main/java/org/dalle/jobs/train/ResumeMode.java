package org.dalle.jobs.train;

/**
 * How a training run treats the checkpoints already in its run directory ({@code --resume}, {@code
 * --allow-config-change}).
 */
public enum ResumeMode {
  /** Start fresh; existing checkpoints are an error rather than something to mix with. */
  FRESH,
  /** Continue from the latest checkpoint, refusing a config that differs from its config. */
  RESUME,
  /** Continue from the latest checkpoint even with a changed config, recording the changes. */
  RESUME_ALLOWING_CONFIG_CHANGE;

  /**
   * The mode of the flags {@code --resume} and {@code --allow-config-change}.
   *
   * @throws IllegalArgumentException when the second is given without the first
   */
  public static ResumeMode of(boolean resume, boolean allowConfigChange) {
    if (allowConfigChange && !resume) {
      throw new IllegalArgumentException(
          "--allow-config-change only applies to a resumed run; add --resume");
    }
    if (!resume) {
      return FRESH;
    }
    return allowConfigChange ? RESUME_ALLOWING_CONFIG_CHANGE : RESUME;
  }

  /** Whether the run continues from the latest checkpoint. */
  public boolean resumes() {
    return this != FRESH;
  }
}
