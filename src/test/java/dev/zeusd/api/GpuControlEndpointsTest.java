package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/** Every control operation has its endpoint, taking exactly the parameters the operation declares (and owner_pid). */
class GpuControlEndpointsTest {
    @Test
    void everyOperationIsAPostEndpointWithItsDeclaredQueryParameters() {
        for (Operation operation : Operation.values()) {
            Method endpoint = null;
            for (Method method : GpuControlResource.class.getMethods()) {
                Path path = method.getAnnotation(Path.class);
                if (path != null && path.value().equals(operation.wireName())) {
                    endpoint = method;
                }
            }
            assertNotNull(endpoint, "no endpoint /gpu/" + operation.wireName());
            assertNotNull(endpoint.getAnnotation(POST.class), operation.wireName() + " is not a POST");
            List<String> parameters = new ArrayList<>();
            for (Parameter parameter : endpoint.getParameters()) {
                parameters.add(parameter.getAnnotation(QueryParam.class).value());
            }
            List<String> expected = new ArrayList<>(List.of(GpuReadResource.GPU_IDS));
            expected.addAll(operation.queryParameters());
            expected.add("block");
            expected.add(GpuControlResource.OWNER_PID);
            assertEquals(expected, parameters, operation.wireName());
        }
    }
}
