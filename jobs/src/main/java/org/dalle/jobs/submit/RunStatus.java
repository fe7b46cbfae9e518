package org.dalle.jobs.submit;

import java.util.List;
import java.util.Map;

/**
 * What a Workflow or a Job looks like at one moment: its phase and one line per step (a Workflow
 * node, or a Job's pod counts), so a watcher can print what changed.
 *
 * @param kind "workflow" or "job"
 * @param name the object's name
 * @param phase Pending, Running, Succeeded, Failed or Error
 * @param message why it failed, or empty
 * @param progress done/total steps for a Workflow, empty for a Job
 * @param steps one line per step, in a stable order, e.g. "train-dvae Running"
 * @param outputs output parameters (a Workflow's global outputs), name → value
 */
public record RunStatus(
    String kind,
    String name,
    String phase,
    String message,
    String progress,
    List<String> steps,
    Map<String, String> outputs) {

  public boolean finished() {
    return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Error");
  }

  public boolean succeeded() {
    return phase.equals("Succeeded");
  }

  /** One line: kind, name, phase, progress and message. */
  public String headline() {
    StringBuilder line = new StringBuilder(kind + " " + name + ": " + phase);
    if (!progress.isEmpty()) {
      line.append(" (").append(progress).append(" steps)");
    }
    if (!message.isEmpty()) {
      line.append(" — ").append(message);
    }
    return line.toString();
  }
}
