package floor;

import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.common.annotation.NonBlocking;

/** get_power's JSON shape for four GPUs, served on the event loop as zeusd serves its reads. */
@Path("/gpu")
public class PowerResource {
    public record Power(long power_mw) {
    }

    @GET
    @Path("/get_power")
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Map<String, Power> getPower() {
        Map<String, Power> byGpu = new TreeMap<>();
        for (int gpu = 0; gpu < 4; gpu++) {
            byGpu.put(Integer.toString(gpu), new Power(150_000 + gpu * 1_000 + (System.nanoTime() & 1023)));
        }
        return byGpu;
    }
}
