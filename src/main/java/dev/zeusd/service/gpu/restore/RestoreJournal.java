package dev.zeusd.service.gpu.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.zeusd.service.gpu.command.GpuCommand.Setting;

/**
 * The value each changed setting had before zeusd first changed it, in memory and in the write-ahead journal
 * {@value #FILE_NAME} in the state directory: every change of the set is written through before it counts, so a start
 * after a crash finds what this run would have restored. Thread-safe; the device reads that produce the values happen
 * on the GPUs' workers, not here. The file:
 *
 * <pre>
 * {
 *   "format" : "zeusd-restore-journal/1",
 *   "written_at" : "2026-11-30T08:00:00Z",
 *   "settings" : [
 *     { "gpu" : 0, "setting" : "power_limit_mw", "original" : 300000 },
 *     { "gpu" : 0, "setting" : "persistence_mode", "original" : false },
 *     { "gpu" : 1, "setting" : "gpu_locked_clocks", "original" : "unlocked" }
 *   ]
 * }
 * </pre>
 *
 * Every write replaces the whole file: the new content goes to {@code restore-journal.json.tmp}, which is fsynced,
 * renamed over the journal, and then the directory is fsynced, so after a power loss the file is either the old or the
 * new journal, never a mix. No setting left means no file.
 */
public final class RestoreJournal {
    public static final String FILE_NAME = "restore-journal.json";
    static final String FORMAT = "zeusd-restore-journal/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final SortedMap<SettingKey, Object> values = new TreeMap<>();

    /** One setting of one GPU: what originals and owners are kept by. */
    public record SettingKey(int gpu, Setting setting) implements Comparable<SettingKey> {
        @Override
        public int compareTo(SettingKey other) {
            return gpu != other.gpu ? Integer.compare(gpu, other.gpu) : setting.compareTo(other.setting);
        }
    }

    /** The value a setting of one GPU had before zeusd first changed it: a Long (mW), a Boolean or "unlocked". */
    public record Original(int gpu, Setting setting, Object value) {
        public Original {
            if (gpu < 0 || !setting.accepts(value)) {
                throw new IllegalArgumentException("not an original of " + setting.journalName() + ": " + value);
            }
        }
    }

    /** Starts empty; {@link #load} takes over what the file holds. */
    public RestoreJournal(Path stateDir) {
        this.dir = stateDir;
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
     * Adds {@code fresh} and writes the file.
     *
     * @throws IOException if the file could not be written; then nothing was added
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

    /** Takes over what the file from an earlier run holds, without writing it again. */
    public synchronized void load(List<Original> found) {
        found.forEach(o -> values.put(new SettingKey(o.gpu(), o.setting()), o.value()));
    }

    /** Drops a restored setting and writes the file. */
    public synchronized void forget(SettingKey key) throws IOException {
        values.remove(key);
        persist();
    }

    /** Drops them all and writes the (then absent) file. */
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
        write(all);
    }

    public Path file() {
        return dir.resolve(FILE_NAME);
    }

    public boolean exists() {
        return Files.exists(file());
    }

    /**
     * What the file holds now, read without taking it over (see {@link #load}); none when there is no file.
     *
     * @throws CorruptJournalException if the file exists but cannot be read or is not a journal of this format
     */
    public List<Original> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw corrupt("cannot be read (" + e + ")", e);
        }
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
                throw new IllegalArgumentException("it is not a \"" + FORMAT + "\" journal");
            }
            JsonNode settings = root.get("settings");
            if (settings == null || !settings.isArray()) {
                throw new IllegalArgumentException("\"settings\" is not a list");
            }
            List<Original> originals = new ArrayList<>();
            for (JsonNode entry : settings) {
                JsonNode gpu = entry.get("gpu");
                if (gpu == null || !gpu.canConvertToInt()) {
                    throw new IllegalArgumentException("an entry has no GPU index");
                }
                Setting setting = Setting.fromJournalName(entry.path("setting").asText(""));
                JsonNode value = entry.get("original");
                Object original = value == null ? null
                        : value.isIntegralNumber() ? (Object) value.asLong()
                        : value.isBoolean() ? (Object) value.asBoolean() : value.isTextual() ? value.asText() : null;
                originals.add(new Original(gpu.asInt(), setting, original));
            }
            return originals;
        } catch (IOException | RuntimeException e) {
            throw corrupt("is not a valid journal (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    private CorruptJournalException corrupt(String problem, Throwable cause) {
        return new CorruptJournalException("The restore journal " + file() + " " + problem
                + ": check the GPUs' power limits, persistence mode and locked clocks by hand (e.g. nvidia-smi -q), "
                + "then move the file away and start zeusd again.", cause);
    }

    /**
     * Replaces the file with {@code originals} durably (see the class comment); none deletes it. The file alone: the
     * originals in memory stay as they are. Called under this object's lock by the methods above; directly only by
     * tests, which own the journal they write.
     */
    public void write(List<Original> originals) throws IOException {
        Files.createDirectories(dir);
        if (originals.isEmpty()) {
            if (Files.deleteIfExists(file())) {
                syncDirectory();
            }
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("written_at", Instant.now().toString());
        ArrayNode settings = root.putArray("settings");
        for (Original original : originals) {
            ObjectNode entry = settings.addObject();
            entry.put("gpu", original.gpu());
            entry.put("setting", original.setting().journalName());
            entry.putPOJO("original", original.value());
        }
        byte[] bytes = (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory " + dir + " does not support atomic renames", e);
        }
        syncDirectory();
    }

    /** Makes the rename (or delete) itself durable: it is an entry in the directory. */
    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
