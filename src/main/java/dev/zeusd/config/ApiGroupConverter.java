package dev.zeusd.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads the wire name of an API group ({@code gpu-read}) from configuration. */
public class ApiGroupConverter implements Converter<ApiGroup> {
    @Override
    public ApiGroup convert(String value) {
        return ApiGroup.fromWireName(value);
    }
}
