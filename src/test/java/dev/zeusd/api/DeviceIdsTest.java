package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Id lists parsed as upstream zeusd parses them, with its exact messages. */
class DeviceIdsTest {
    private static final SortedSet<Integer> KNOWN = new TreeSet<>(List.of(0, 1, 2, 3));

    @Test
    void parsesTrimsSortsAndCollapsesDuplicates() {
        assertEquals(List.of(0, 2, 3), List.copyOf(DeviceIds.forRead("gpu_ids", " 3, 0 ,2,3", KNOWN)));
        assertEquals(List.of(0, 1), List.copyOf(DeviceIds.forWrite("gpu_ids", "1,1,0", KNOWN)));
        assertEquals(List.of(1), List.copyOf(DeviceIds.forStream("cpu_ids", "+1", KNOWN)), "Rust's parse takes a +");
        assertEquals(List.of(2), List.copyOf(DeviceIds.forRead("gpu_ids", "002", KNOWN)));
    }

    @Test
    void absentMeansAllOnReadsAndStreams() {
        assertEquals(KNOWN, DeviceIds.forRead("gpu_ids", null, KNOWN));
        assertEquals(KNOWN, DeviceIds.forStream("gpu_ids", null, KNOWN));
    }

    @Test
    void absentIsAnErrorOnWrites() {
        assertMessage("missing required query parameter 'gpu_ids'", () -> DeviceIds.forWrite("gpu_ids", null, KNOWN));
    }

    @Test
    void upstreamMessagesForMalformedLists() {
        assertMessage("gpu_ids must contain at least one GPU index", () -> DeviceIds.forRead("gpu_ids", " ", KNOWN));
        assertMessage("cpu_ids must contain at least one CPU index", () -> DeviceIds.forStream("cpu_ids", "", KNOWN));
        for (String bad : new String[] { "0,", ",1", "0,,1", "0, ,1" }) {
            assertMessage("gpu_ids contains an empty GPU index", () -> DeviceIds.forWrite("gpu_ids", bad, KNOWN));
        }
        assertMessage("Invalid GPU index: abc", () -> DeviceIds.forRead("gpu_ids", "0, abc", KNOWN));
        assertMessage("Invalid GPU index: -1", () -> DeviceIds.forRead("gpu_ids", "-1", KNOWN));
        assertMessage("Invalid CPU index: 1.5", () -> DeviceIds.forRead("cpu_ids", "1.5", KNOWN));
        assertMessage("Invalid GPU index: 9999999999999999999999", () -> DeviceIds.forRead("gpu_ids",
                "9999999999999999999999", KNOWN));
    }

    @Test
    void unknownIdsAreWordedPerKindOfEndpoint() {
        assertMessage("GPU 5 not found", () -> DeviceIds.forRead("gpu_ids", "0,5", KNOWN));
        assertMessage("CPU 99999999999 not found", () -> DeviceIds.forRead("cpu_ids", "99999999999", KNOWN));
        assertMessage("GPU index 5 does not exist.", () -> DeviceIds.forWrite("gpu_ids", "5,0", KNOWN));
        assertMessage("Unknown GPU indices: [5, 7]. Available: [0, 1, 2, 3]",
                () -> DeviceIds.forStream("gpu_ids", "7,0,5", KNOWN));
        assertMessage("Unknown CPU indices: [0]. Available: []",
                () -> DeviceIds.forStream("cpu_ids", "0", new TreeSet<>()));
    }

    private static void assertMessage(String expected, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(400, e.status());
        assertEquals(expected, e.getMessage());
    }
}
