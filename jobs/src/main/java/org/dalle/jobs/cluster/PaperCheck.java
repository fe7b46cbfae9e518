package org.dalle.jobs.cluster;

/**
 * One of the paper's figures next to this model's.
 *
 * @param claim what the paper says, with its section
 * @param paper the paper's figure as it writes it
 * @param model this model's figure, with what it counts
 * @param agrees whether they agree within the paper's rounding
 */
public record PaperCheck(String claim, String paper, String model, boolean agrees) {}
