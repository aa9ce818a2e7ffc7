package dev.lakemill.registry;

/**
 * A request the registry refuses: an unknown model, version or alias, a malformed name or
 * reference, or a change its rules forbid. The message says what is wrong and how to fix it.
 * Built only by {@link RegistryErrors}.
 */
public final class RegistryException extends RuntimeException {
  RegistryException(String message) {
    super(message);
  }
}
