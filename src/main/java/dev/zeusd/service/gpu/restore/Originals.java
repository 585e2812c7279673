package dev.zeusd.service.gpu.restore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The value each changed setting had before zeusd first changed it, in memory and in the journal: every change of
 * the set is written through before it counts, so a start after a crash finds what this run would have restored.
 * Thread-safe; the device reads that produce the values happen on the GPUs' workers, not here.
 */
public final class Originals {
    private final RestoreJournal journal;
    private final SortedMap<SettingKey, Object> values = new TreeMap<>();

    public Originals(RestoreJournal journal) {
        this.journal = journal;
    }

    /** Of {@code settings} on {@code gpu}, those without a recorded original. */
    public synchronized List<SettingKey> missing(int gpu, Collection<Setting> settings) {
        List<SettingKey> missing = new ArrayList<>();
        for (Setting setting : settings) {
            SettingKey key = new SettingKey(gpu, setting);
            if (!values.containsKey(key)) {
                missing.add(key);
            }
        }
        return missing;
    }

    public synchronized boolean has(SettingKey key) {
        return values.containsKey(key);
    }

    public synchronized Object get(SettingKey key) {
        return values.get(key);
    }

    /**
     * Adds {@code fresh} and writes the journal.
     *
     * @throws IOException if the journal could not be written; then nothing was added
     */
    public synchronized void record(Map<SettingKey, Object> fresh) throws IOException {
        values.putAll(fresh);
        try {
            persist();
        } catch (IOException e) {
            fresh.keySet().forEach(values::remove);
            throw e;
        }
    }

    /** Takes over what a journal from an earlier run holds, without writing it again. */
    public synchronized void load(List<Original> found) {
        found.forEach(o -> values.put(new SettingKey(o.gpu(), o.setting()), o.value()));
    }

    /** Drops a restored setting and writes the journal. */
    public synchronized void forget(SettingKey key) throws IOException {
        values.remove(key);
        persist();
    }

    /** Drops them all and writes the (then absent) journal. */
    public synchronized void clear() throws IOException {
        values.clear();
        persist();
    }

    /** The recorded settings grouped by GPU, ascending. */
    public synchronized SortedMap<Integer, List<SettingKey>> byGpu() {
        SortedMap<Integer, List<SettingKey>> byGpu = new TreeMap<>();
        values.keySet().forEach(key -> byGpu.computeIfAbsent(key.gpu(), gpu -> new ArrayList<>()).add(key));
        return byGpu;
    }

    /** {@code gpu:setting} names of what is recorded now, for tests. */
    public synchronized SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        values.keySet().forEach(key -> names.add(key.gpu() + ":" + key.setting().journalName()));
        return names;
    }

    private void persist() throws IOException {
        List<Original> all = new ArrayList<>();
        values.forEach((key, value) -> all.add(new Original(key.gpu(), key.setting(), value)));
        journal.write(all);
    }
}
