package dev.zeusd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import dev.zeusd.StartupException;

class ConvertersTest {
    @Test
    void octalPermissions() {
        Converters.SocketMode mode = new Converters.SocketMode();
        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), mode.convert("666").permissions());
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), mode.convert("0660").permissions());
        assertEquals("0660", mode.convert("0660").toString(), "logged as written");
        StartupException e = assertThrows(StartupException.class, () -> mode.convert("rw"));
        assertEquals("--socket-permissions must be an octal mode such as 666, got 'rw'.", e.getMessage());
        assertThrows(StartupException.class, () -> mode.convert("888"));
    }

    @Test
    void bindAddressParsing() {
        Converters.TcpBindAddress tcp = new Converters.TcpBindAddress();
        assertEquals(new HostPort("0.0.0.0", 4938), tcp.convert("0.0.0.0:4938"));
        assertEquals(new HostPort("::1", 80), tcp.convert("[::1]:80"));
        assertEquals("[::1]:80", tcp.convert("[::1]:80").toString());
        for (String bad : new String[] { "4938", "host:", ":80", "h:99999", "h:x" }) {
            StartupException e = assertThrows(StartupException.class, () -> tcp.convert(bad), bad);
            assertEquals("--tcp-bind-address must be HOST:PORT, such as 127.0.0.1:4938, got '" + bad + "'.",
                    e.getMessage());
        }
    }

    @Test
    void managementAddressMayBeOff() {
        Converters.ManagementBindAddress management = new Converters.ManagementBindAddress();
        assertNull(management.convert("off"));
        assertNull(management.convert("OFF"));
        assertEquals(new HostPort("127.0.0.1", 9464), management.convert("127.0.0.1:9464"));
        StartupException e = assertThrows(StartupException.class, () -> management.convert("9464"));
        assertEquals("--management-bind-address must be HOST:PORT, such as 127.0.0.1:9464 or off, got '9464'.",
                e.getMessage());
    }

    @Test
    void anEmptyPathIsNoPath() {
        assertNull(new Converters.FilePath().convert(""));
        assertEquals(Path.of("/run/zeusd/zeusd.sock"), new Converters.FilePath().convert("/run/zeusd/zeusd.sock"));
    }

    @Test
    void apiGroupsByWireName() {
        assertEquals(ApiGroup.GPU_READ, new Converters.ApiGroupName().convert(" gpu-read "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Converters.ApiGroupName().convert("gpu-write"));
        assertTrue(e.getMessage().startsWith("unknown API group 'gpu-write'"), e.getMessage());
    }
}
