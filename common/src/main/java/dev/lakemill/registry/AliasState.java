package dev.lakemill.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's aliases and archived versions now, replayed from its events.
 *
 * @param events alias and archive events, oldest first
 * @param aliases each alias's version now
 * @param archived versions archived now (archive events not undone), ascending
 * @param previous each alias's version before its current one, where rollback would move it;
 *     absent for an alias with one version left on its history
 */
public record AliasState(List<AliasEvent> events, Map<String, Integer> aliases, Set<Integer> archived,
    Map<String, Integer> previous) {
  public AliasState {
    events = List.copyOf(events);
    aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    archived = Collections.unmodifiableSet(new TreeSet<>(archived));
    previous = Map.copyOf(previous);
  }

  /** Replays {@code events}, oldest first. */
  public static AliasState of(List<AliasEvent> events) {
    Map<String, Integer> previous = new HashMap<>();
    ModelRegistry.stacks(events, null).forEach((alias, stack) -> {
      if (stack.size() >= 2) {
        previous.put(alias, new ArrayList<>(stack).get(1));
      }
    });
    Set<Integer> archived = new TreeSet<>();
    for (AliasEvent e : events) {
      if (e.action() == AliasAction.ARCHIVE) {
        archived.add(e.version());
      } else if (e.action() == AliasAction.UNARCHIVE) {
        archived.remove(e.version());
      }
    }
    return new AliasState(events, ModelRegistry.aliasesAt(events, null), archived, previous);
  }

  /** Each alias's version at {@code at} (null: now). */
  public Map<String, Integer> aliasesAt(Instant at) {
    return at == null ? aliases : ModelRegistry.aliasesAt(events, at);
  }

  /** The version {@code alias} would return to on rollback (the one before the current), or 0. */
  public int previousVersion(String alias) {
    return previous.getOrDefault(alias, 0);
  }
}
