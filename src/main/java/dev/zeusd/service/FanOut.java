package dev.zeusd.service;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/** Runs one call on several devices at once and gathers the results, or every device's failure. */
public final class FanOut {
    private FanOut() {
    }

    /**
     * Completes with each device's result in ascending id order, or fails with {@link DeviceFailures} naming every
     * device that failed once all have finished.
     */
    public static <D, T> CompletionStage<SortedMap<Integer, T>> all(DeviceWorkers<D> workers,
            Collection<Integer> ids, Function<D, T> read) {
        return workers.readAll(ids, read).thenCompose(FanOut::whenAllDone);
    }

    /** As {@link #all}, for calls with effects (never joined with another call) that need the device's id. */
    public static <D, T> CompletionStage<SortedMap<Integer, T>> allById(DeviceWorkers<D> workers,
            Collection<Integer> ids, BiFunction<Integer, D, T> call) {
        Map<Integer, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (int id : ids) {
            futures.put(id, submitOrFail(workers, id, device -> call.apply(id, device)));
        }
        return whenAllDone(futures);
    }

    private static <T> CompletableFuture<SortedMap<Integer, T>> whenAllDone(Map<Integer, CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .handle((ignored, ignoredError) -> collect(futures));
    }

    private static <D, T> CompletableFuture<T> submitOrFail(DeviceWorkers<D> workers, int id, Function<D, T> call) {
        try {
            return workers.submit(id, call);
        } catch (DeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> SortedMap<Integer, T> collect(Map<Integer, CompletableFuture<T>> futures) {
        SortedMap<Integer, T> results = new TreeMap<>();
        SortedMap<Integer, DeviceException> failures = new TreeMap<>();
        futures.forEach((id, future) -> {
            try {
                results.put(id, future.join());
            } catch (CompletionException e) {
                failures.put(id, asDeviceException(id, e.getCause()));
            }
        });
        if (!failures.isEmpty()) {
            throw new DeviceFailures(failures);
        }
        return results;
    }

    static DeviceException asDeviceException(int id, Throwable cause) {
        if (cause instanceof DeviceException deviceException) {
            return deviceException;
        }
        return new DeviceException(DeviceErrorKind.INTERNAL, "device " + id + ": unexpected error: " + cause);
    }
}
