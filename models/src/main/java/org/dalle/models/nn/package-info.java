/**
 * Layers and parameters that no one model owns: {@link org.dalle.models.nn.BottleneckBlock} (the
 * dVAE's residual block, also the contrastive model's image encoder's), {@link
 * org.dalle.models.nn.SameConv2d}, {@link org.dalle.models.nn.Scale} (multiplication by a constant
 * that autograd can keep), {@link org.dalle.models.nn.EngineOwned} (arrays of Java values that
 * autograd can keep) and {@link org.dalle.models.nn.ParameterSpecs}. Each model's own blocks live
 * in its package ({@code dvae}, {@code transformer}, {@code clip}).
 */
package org.dalle.models.nn;
