package io.jdask.array;

import java.io.Serializable;
import java.util.function.DoubleUnaryOperator;

/**
 * A user's function of one double for {@link NdArray#map}: serializable, so that it reaches
 * worker processes as the tasks' other functions do.
 */
@FunctionalInterface
public interface DoubleFunction extends DoubleUnaryOperator, Serializable {}
