package dev.lakemill.registry;

import java.time.Instant;

/**
 * One change of a model's alias or archive state; the registry keeps all of them, so the alias
 * pointing anywhere at any time is a query.
 *
 * @param name model name
 * @param action what the event did
 * @param alias the alias moved (empty for archive events)
 * @param version the version the alias points to after the event (0: none), or the version archived
 * @param at when
 * @param runId the run that made the change, or empty for the CLI
 * @param reason why, in words
 */
public record AliasEvent(String name, AliasAction action, String alias, int version, Instant at, String runId, String reason) {}
