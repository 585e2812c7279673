package dev.zeusd.api.response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;

/** JSON maps keyed by device id: the id as a string, in ascending numeric order. */
public final class DeviceMaps {
    private DeviceMaps() {
    }

    public static <T, R> Map<String, R> byId(SortedMap<Integer, T> values, Function<T, R> toJson) {
        Map<String, R> json = new LinkedHashMap<>();
        values.forEach((id, value) -> json.put(Integer.toString(id), toJson.apply(value)));
        return json;
    }
}
