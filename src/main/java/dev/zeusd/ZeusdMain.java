package dev.zeusd;

import dev.zeusd.cli.ZeusdCommandLine;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. The command line is parsed before Quarkus boots: {@code serve} chooses its listener first, and
 * commands that need no server never start one.
 */
@QuarkusMain
public class ZeusdMain {
    public static void main(String... args) {
        System.exit(ZeusdCommandLine.execute(args));
    }
}
