package dev.zeusd.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.zeusd.StartupException;

/** A value from a property or the environment that SmallRye cannot convert is one startup sentence. */
class BootConfigTest {
    private static StartupException loadWith(String property, String value) {
        System.setProperty(property, value);
        try {
            return assertThrows(StartupException.class, BootConfig::load);
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void ourConvertersSentenceIsKept() {
        assertEquals("--tcp-bind-address must be HOST:PORT, such as 127.0.0.1:4938, got 'nowhere'.",
                loadWith("zeusd.tcp-bind-address", "nowhere").getMessage());
    }

    @Test
    void smallRyesOwnProblemsNameTheFlagAndTheValue() {
        assertEquals("--mode (zeusd.mode) cannot be 'pigeon': Cannot convert pigeon to enum class "
                + "dev.zeusd.config.TransportMode, allowed values: tcp,uds.",
                loadWith("zeusd.mode", "pigeon").getMessage());
        assertEquals("--enable (zeusd.enable) cannot be 'nope': unknown API group 'nope' (valid: gpu-control, "
                + "gpu-read, cpu-read).", loadWith("zeusd.enable", "nope").getMessage());
    }
}
