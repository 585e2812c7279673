package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
}
