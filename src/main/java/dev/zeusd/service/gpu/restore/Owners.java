package dev.zeusd.service.gpu.restore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Who owns each changed setting: the client process that changed it last. An owner is watched while it owns
 * anything; when it exits, {@code onExit} learns of it (on the watcher thread). Thread-safe.
 */
public final class Owners implements AutoCloseable {
    private final Map<SettingKey, ClientProcess> owners = new HashMap<>();
    private final OwnerWatcher watcher;

    public Owners(Consumer<ClientProcess> onExit) {
        this.watcher = new OwnerWatcher(onExit);
    }

    /** {@code caller} now owns {@code key}; a caller the transport cannot name leaves it without an owner. */
    public synchronized void changedBy(SettingKey key, Optional<ClientProcess> caller) {
        ClientProcess previous = caller.isPresent() ? owners.put(key, caller.get()) : owners.remove(key);
        if (previous != null && !owners.containsValue(previous)) {
            watcher.forget(previous);
        }
        caller.filter(owners::containsValue).ifPresent(watcher::watch);
    }

    public synchronized ClientProcess ownerOf(SettingKey key) {
        return owners.get(key);
    }

    /** The settings {@code process} owns, grouped by GPU. */
    public synchronized SortedMap<Integer, List<SettingKey>> ownedBy(ClientProcess process) {
        SortedMap<Integer, List<SettingKey>> byGpu = new TreeMap<>();
        owners.forEach((key, owner) -> {
            if (owner.equals(process)) {
                byGpu.computeIfAbsent(key.gpu(), gpu -> new ArrayList<>()).add(key);
            }
        });
        return byGpu;
    }

    /** {@code key} has no owner any more (it was restored). */
    public synchronized void release(SettingKey key) {
        owners.remove(key);
    }

    public synchronized void clear() {
        owners.clear();
    }

    /** Stops watching; no {@code onExit} call comes after this. */
    @Override
    public void close() {
        watcher.close();
    }
}
