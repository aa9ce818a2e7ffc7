package dev.lakemill.registry;

import dev.lakemill.error.LakemillException;

/**
 * A request the registry refuses: an unknown model, version or alias, a malformed name or
 * reference, or a change its rules forbid. The message says what is wrong and how to fix it.
 * Invalid input (exit code 2). Built only by {@link RegistryErrors}.
 */
public final class RegistryException extends LakemillException {
  RegistryException(String message) {
    super(Kind.INVALID_INPUT, message);
  }
}
