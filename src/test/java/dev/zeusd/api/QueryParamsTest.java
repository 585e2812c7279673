package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class QueryParamsTest {
    @Test
    void booleansAreExactlyTrueOrFalse() {
        assertTrue(QueryParams.requireBool("block", "true"));
        assertFalse(QueryParams.requireBool("block", "false"));
        for (String bad : new String[] { "True", "1", "yes", "", " true" }) {
            assertThrows(ApiException.class, () -> QueryParams.requireBool("block", bad), bad);
        }
    }

    @Test
    void unsigned32Bounds() {
        assertEquals(0, QueryParams.requireUnsigned32("x", "0"));
        assertEquals(4294967295L, QueryParams.requireUnsigned32("x", "4294967295"));
        for (String bad : new String[] { "-1", "4294967296", "1e3", "abc", "" }) {
            ApiException e = assertThrows(ApiException.class, () -> QueryParams.requireUnsigned32("x", bad), bad);
            assertTrue(e.getMessage().startsWith("query parameter 'x'"), e.getMessage());
        }
    }

    /** Id lists parsed as upstream zeusd parses them, with its exact messages. */
    private static final SortedSet<Integer> KNOWN = new TreeSet<>(List.of(0, 1, 2, 3));

    @Test
    void parsesTrimsSortsAndCollapsesDuplicates() {
        assertEquals(List.of(0, 2, 3), List.copyOf(QueryParams.deviceIdsToRead("gpu_ids", " 3, 0 ,2,3", KNOWN)));
        assertEquals(List.of(0, 1), List.copyOf(QueryParams.deviceIdsToWrite("gpu_ids", "1,1,0", KNOWN)));
        assertEquals(List.of(1), List.copyOf(QueryParams.deviceIdsToStream("cpu_ids", "+1", KNOWN)),
                "Rust's parse takes a +");
        assertEquals(List.of(2), List.copyOf(QueryParams.deviceIdsToRead("gpu_ids", "002", KNOWN)));
    }

    @Test
    void absentMeansAllOnReadsAndStreams() {
        assertEquals(KNOWN, QueryParams.deviceIdsToRead("gpu_ids", null, KNOWN));
        assertEquals(KNOWN, QueryParams.deviceIdsToStream("gpu_ids", null, KNOWN));
    }

    @Test
    void absentIsAnErrorOnWrites() {
        assertMessage("missing required query parameter 'gpu_ids'",
                () -> QueryParams.deviceIdsToWrite("gpu_ids", null, KNOWN));
    }

    @Test
    void upstreamMessagesForMalformedLists() {
        assertMessage("gpu_ids must contain at least one GPU index",
                () -> QueryParams.deviceIdsToRead("gpu_ids", " ", KNOWN));
        assertMessage("cpu_ids must contain at least one CPU index",
                () -> QueryParams.deviceIdsToStream("cpu_ids", "", KNOWN));
        for (String bad : new String[] { "0,", ",1", "0,,1", "0, ,1" }) {
            assertMessage("gpu_ids contains an empty GPU index",
                    () -> QueryParams.deviceIdsToWrite("gpu_ids", bad, KNOWN));
        }
        assertMessage("Invalid GPU index: abc", () -> QueryParams.deviceIdsToRead("gpu_ids", "0, abc", KNOWN));
        assertMessage("Invalid GPU index: -1", () -> QueryParams.deviceIdsToRead("gpu_ids", "-1", KNOWN));
        assertMessage("Invalid CPU index: 1.5", () -> QueryParams.deviceIdsToRead("cpu_ids", "1.5", KNOWN));
        assertMessage("Invalid GPU index: 9999999999999999999999", () -> QueryParams.deviceIdsToRead("gpu_ids",
                "9999999999999999999999", KNOWN));
    }

    @Test
    void unknownIdsAreWordedPerKindOfEndpoint() {
        assertMessage("GPU 5 not found", () -> QueryParams.deviceIdsToRead("gpu_ids", "0,5", KNOWN));
        assertMessage("CPU 99999999999 not found", () -> QueryParams.deviceIdsToRead("cpu_ids", "99999999999", KNOWN));
        assertMessage("GPU index 5 does not exist.", () -> QueryParams.deviceIdsToWrite("gpu_ids", "5,0", KNOWN));
        assertMessage("Unknown GPU indices: [5, 7]. Available: [0, 1, 2, 3]",
                () -> QueryParams.deviceIdsToStream("gpu_ids", "7,0,5", KNOWN));
        assertMessage("Unknown CPU indices: [0]. Available: []",
                () -> QueryParams.deviceIdsToStream("cpu_ids", "0", new TreeSet<>()));
    }

    private static void assertMessage(String expected, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(400, e.status());
        assertEquals(expected, e.getMessage());
    }
}
