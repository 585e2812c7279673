package dev.zeusd.service.gpu.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.service.gpu.command.GpuCommand.Setting;
import dev.zeusd.service.gpu.restore.RestoreJournal.Original;

class RestoreJournalTest {
    @TempDir
    Path dir;

    private static final List<Original> ORIGINALS = List.of(new Original(0, Setting.POWER_LIMIT, 300_000L),
            new Original(0, Setting.PERSISTENCE_MODE, false), new Original(1, Setting.GPU_LOCKED_CLOCKS, "unlocked"),
            new Original(1, Setting.MEM_LOCKED_CLOCKS, "unlocked"));

    @Test
    void roundTripsEveryKindOfSetting() throws IOException {
        RestoreJournal journal = new RestoreJournal(dir);
        journal.write(ORIGINALS);
        assertEquals(ORIGINALS, new RestoreJournal(dir).read());
    }

    @Test
    void theFormatIsTheDocumentedJson() throws IOException {
        new RestoreJournal(dir).write(ORIGINALS);
        JsonNode root = new ObjectMapper().readTree(dir.resolve("restore-journal.json").toFile());
        assertEquals("zeusd-restore-journal/1", root.get("format").asText());
        assertTrue(root.get("written_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), root.toString());
        JsonNode first = root.get("settings").get(0);
        assertEquals(0, first.get("gpu").asInt());
        assertEquals("power_limit_mw", first.get("setting").asText());
        assertTrue(first.get("original").isIntegralNumber());
        assertEquals(300_000, first.get("original").asLong());
        assertTrue(root.get("settings").get(1).get("original").isBoolean());
        assertEquals("unlocked", root.get("settings").get(2).get("original").asText());
        assertEquals(4, root.get("settings").size());
    }

    @Test
    void writesThroughATempFileAndLeavesNoneBehind() throws IOException {
        RestoreJournal journal = new RestoreJournal(dir);
        journal.write(ORIGINALS);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("restore-journal.json")), files.toList());
        }
    }

    @Test
    void aFailedWriteLeavesTheOldJournalWhole() throws IOException {
        RestoreJournal journal = new RestoreJournal(dir);
        journal.write(ORIGINALS.subList(0, 1));
        Files.createDirectory(dir.resolve("restore-journal.json.tmp")); // the temp file cannot be created now
        assertThrows(IOException.class, () -> journal.write(ORIGINALS));
        assertEquals(ORIGINALS.subList(0, 1), journal.read());
    }

    @Test
    void noSettingsMeansNoFile() throws IOException {
        RestoreJournal journal = new RestoreJournal(dir);
        journal.write(ORIGINALS);
        assertTrue(journal.exists());
        journal.write(List.of());
        assertFalse(journal.exists());
        assertEquals(List.of(), journal.read());
    }

    @Test
    void createsTheStateDirectory() throws IOException {
        RestoreJournal journal = new RestoreJournal(dir.resolve("a/b"));
        journal.write(ORIGINALS);
        assertEquals(ORIGINALS, journal.read());
    }

    @Test
    void corruptInputIsOneSentenceNamingTheFileAndTheWayOut() throws IOException {
        Path file = dir.resolve("restore-journal.json");
        for (String content : List.of("{\"format\":\"zeusd-restore-journal/1\",\"settings\":[{\"gpu\":0,",
                "", "[]", "{\"format\":\"something-else/9\",\"settings\":[]}",
                "{\"format\":\"zeusd-restore-journal/1\"}",
                "{\"format\":\"zeusd-restore-journal/1\",\"settings\":[{\"gpu\":0,\"setting\":\"fan_speed\",\"original\":1}]}",
                "{\"format\":\"zeusd-restore-journal/1\",\"settings\":[{\"gpu\":0,\"setting\":\"power_limit_mw\",\"original\":\"high\"}]}",
                "{\"format\":\"zeusd-restore-journal/1\",\"settings\":[{\"setting\":\"power_limit_mw\",\"original\":1}]}",
                "{\"format\":\"zeusd-restore-journal/1\",\"settings\":[{\"gpu\":0,\"setting\":\"gpu_locked_clocks\",\"original\":1500}]}")) {
            Files.writeString(file, content);
            CorruptJournalException e = assertThrows(CorruptJournalException.class,
                    () -> new RestoreJournal(dir).read(), content);
            assertTrue(e.getMessage().startsWith("The restore journal " + file + " "), e.getMessage());
            assertTrue(e.getMessage().endsWith("then move the file away and start zeusd again."), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(Files.exists(file), "never silently discarded");
        }
    }

    @Test
    void anUnreadableJournalIsAStartupErrorToo() throws IOException {
        Files.createDirectory(dir.resolve("restore-journal.json")); // exists, cannot be read as a file
        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> new RestoreJournal(dir).read());
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }
}
