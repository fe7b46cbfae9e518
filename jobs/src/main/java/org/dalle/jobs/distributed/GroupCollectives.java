package org.dalle.jobs.distributed;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.dalle.collective.CollectiveGroup;

/**
 * The collectives of {@link PowerSgd} on one of the helper's process groups; each takes contiguous
 * FLOAT32 CPU arrays, the same shapes in the same order on every rank of the group.
 */
interface GroupCollectives {

  /** Replaces each array by its mean over the ranks of {@code group}, in place. */
  void allReduceMean(List<NDArray> arrays, CollectiveGroup group);

  /** Replaces each array by the root's, a rank numbered within {@code group}, in place. */
  void broadcast(List<NDArray> arrays, int root, CollectiveGroup group);
}
