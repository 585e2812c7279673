package dev.zeusd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code zeusd whoami}: who the token says you are, and what it may do. */
@Command(name = "whoami", description = "Show the user, scopes, device limits and expiry of your token",
        mixinStandardHelpOptions = true)
public class WhoamiCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        JsonNode body = client.call("GET", "/auth/whoami");
        return client.print(body, () -> {
            Table table = new Table("FIELD", "VALUE").row("user", body.path("sub").asText())
                    .row("scopes", join(body.get("scopes")));
            if (body.has("gpu_ids")) {
                table.row("gpus", join(body.get("gpu_ids")));
            }
            if (body.has("cpu_ids")) {
                table.row("cpus", join(body.get("cpu_ids")));
            }
            table.row("expires", body.has("exp") ? java.time.Instant.ofEpochSecond(body.get("exp").asLong()).toString()
                    : "never");
            table.print(client.out());
        });
    }

    static String join(JsonNode array) {
        StringBuilder text = new StringBuilder();
        array.forEach(item -> text.append(text.length() == 0 ? "" : ",").append(item.asText()));
        return text.toString();
    }
}
