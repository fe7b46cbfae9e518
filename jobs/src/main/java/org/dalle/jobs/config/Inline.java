package org.dalle.jobs.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config record's component whose own settings stand at the top level of the YAML file and
 * of {@code config.yaml}, as if they were the outer record's: {@link ConfigLoader} lifts them out
 * when it writes and gathers them back when it reads. The shared training settings are one such
 * record, embedded in every {@code Train*Config} without changing a key of its files.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Inline {}
