/**
 * The embedded default dataset: procedurally rendered scenes of coloured shapes on a black
 * background, each with an exact caption and its ground truth, small enough for {@code dalle
 * quickstart} to train the whole chain on a laptop and checkable enough to score zero-shot
 * composition (paper section 3.3) without human raters.
 *
 * <ul>
 *   <li>{@link org.dalle.pipelines.synthetic.SyntheticVocabulary}: 8 colours, 6 shapes, 2 sizes, 9
 *       grid positions ({@code centre} spelt the British way), counts one to four, 4 relations, and
 *       the held-out (colour, shape) pairs.
 *   <li>{@link org.dalle.pipelines.synthetic.Scene}: single-object, count and relation scenes; the
 *       record checks that a scene is what its kind says.
 *   <li>{@link org.dalle.pipelines.synthetic.SceneSampler}: scene {@code i} as a pure function of
 *       (seed, split, i), with the kinds mixed by {@link org.dalle.pipelines.synthetic.SceneMix}
 *       (default 40% single, 30% count, 30% relation).
 *   <li>{@link org.dalle.pipelines.synthetic.SceneRenderer}: Java2D, antialiased, any size from 16
 *       pixels (default 64).
 *   <li>{@link org.dalle.pipelines.synthetic.CaptionWriter}: twelve templates, each listing the
 *       facts it states.
 *   <li>{@link org.dalle.pipelines.synthetic.SceneAttributes}: the ground truth as the {@code
 *       RawExample.attributes} map, and back.
 *   <li>{@link org.dalle.pipelines.synthetic.SyntheticExampleGenerator}: index to {@code
 *       RawExample}, used by {@link org.dalle.pipelines.sources.SyntheticSource}.
 * </ul>
 */
package org.dalle.pipelines.synthetic;
