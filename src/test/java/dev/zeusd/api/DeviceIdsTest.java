package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class DeviceIdsTest {
    private static final SortedSet<Integer> KNOWN = new TreeSet<>(java.util.List.of(0, 1, 2, 3));

    @Test
    void parsesTrimsAndCollapsesDuplicates() {
        assertEquals(java.util.List.of(0, 2, 3), java.util.List.copyOf(DeviceIds.parse("gpu_ids", " 3, 0 ,2,3", "GPU", KNOWN)));
    }

    @Test
    void absentMeansAllOnReads() {
        assertEquals(KNOWN, DeviceIds.optional("gpu_ids", null, "GPU", KNOWN));
    }

    @Test
    void absentIsAnErrorOnWrites() {
        ApiException e = assertThrows(ApiException.class, () -> DeviceIds.required("gpu_ids", null, "GPU", KNOWN));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("missing required query parameter 'gpu_ids'"), e.getMessage());
    }

    @Test
    void rejectsEmptyListsItemsAndNonIntegers() {
        for (String bad : new String[] { "", " ", "0,", ",1", "0,,1", "a", "-1", "1.5", "+1", "99999999999" }) {
            ApiException e = assertThrows(ApiException.class, () -> DeviceIds.parse("gpu_ids", bad, "GPU", KNOWN),
                    "accepted '" + bad + "'");
            assertEquals(400, e.status());
        }
    }

    @Test
    void unknownIdIsNamed() {
        ApiException e = assertThrows(ApiException.class, () -> DeviceIds.parse("cpu_ids", "0,7", "CPU", KNOWN));
        assertEquals("CPU 7 does not exist (available: 0, 1, 2, 3)", e.getMessage());
    }
}
