package dev.zeusd.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-load log that bin/zeusd-appcds hands the training run, read as Java 17's -Xlog:class+load writes it. */
class AppCdsTrainingTest {

    @Test
    void readsTheClassNameOfEachLoadLine() {
        assertEquals("com.fasterxml.jackson.core.JsonParser", AppCdsTraining.loadedClassName(
                "[0.412s][info][class,load] com.fasterxml.jackson.core.JsonParser source: "
                        + "file:/opt/zeusd/lib/lib/main/com.fasterxml.jackson.core.jackson-core-2.20.1.jar"));
        assertEquals("java.lang.Object", AppCdsTraining.loadedClassName(
                "[0.003s][info][class,load] java.lang.Object source: shared objects file"));
    }

    @Test
    void skipsHiddenClassesAndOtherLines() {
        assertNull(AppCdsTraining.loadedClassName("[0.055s][info][class,load] java.lang.invoke.LambdaForm$MH/0x00007f70"
                + "3d000400 source: __JVM_LookupDefineClass__"));
        assertNull(AppCdsTraining.loadedClassName("[0.050s][info][class,load] opened: /usr/lib/jvm/lib/modules"));
        assertNull(AppCdsTraining.loadedClassName(""));
    }

    @Test
    void linksTheLoggedClassesItCanLoadAndSkipsTheRest(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("classes.log");
        Files.write(log, List.of(
                "[0.1s][info][class,load] " + LinkedOnlyByTraining.class.getName() + " source: file:/x.jar",
                "[0.1s][info][class,load] dev.zeusd.NoSuchClass source: file:/x.jar",
                "[0.1s][info][class,load] java.lang.Runnable$$Lambda$1/0x1 source: dev.zeusd.X"));
        assertEquals(1, AppCdsTraining.linkLoadedClasses(log.toString()));
        assertEquals(0, initialisations, "linking must not run static initialisers");
        assertEquals(0, AppCdsTraining.linkLoadedClasses(dir.resolve("absent.log").toString()));
        assertEquals(0, AppCdsTraining.linkLoadedClasses(null));
    }

    private static int initialisations;

    static class LinkedOnlyByTraining {
        static {
            initialisations++;
        }
    }
}
