package dev.zeusd.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.zeusd.config.ApiGroup;

/** The API group a resource's endpoints belong to: disabled groups answer 404, and tokens need its scope. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RequiresGroup {
    ApiGroup value();
}
