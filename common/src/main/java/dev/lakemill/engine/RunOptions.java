package dev.lakemill.engine;

import java.util.Set;

/**
 * How a run treats up-to-date steps.
 *
 * @param forceAll run every selected step even when it is up to date ({@code --force})
 * @param forceSteps run these steps even when they are up to date ({@code --force-steps a,b})
 */
public record RunOptions(boolean forceAll, Set<String> forceSteps) {
  public static final RunOptions DEFAULT = new RunOptions(false, Set.of());
  public static final RunOptions FORCE = new RunOptions(true, Set.of());

  public RunOptions {
    forceSteps = Set.copyOf(forceSteps);
  }

  boolean forced(String step) {
    return forceAll || forceSteps.contains(step);
  }
}
