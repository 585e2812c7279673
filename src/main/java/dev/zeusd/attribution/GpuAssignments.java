package dev.zeusd.attribution;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.zeusd.device.GpuIdentity;
import dev.zeusd.kubelet.podresources.v1.ContainerDevices;
import dev.zeusd.kubelet.podresources.v1.ContainerResources;
import dev.zeusd.kubelet.podresources.v1.PodResources;

/**
 * The join of one pod-resources list with this daemon's GPUs: for each GPU id, the containers it is assigned to. A
 * GPU shared by time-slicing, MPS or MIG lists every container that has a share of it, once each; the power of the
 * board is not split here (see docs/pods.md for the PromQL that shares it out).
 *
 * @param byGpu every GPU id of the daemon, with the containers assigned to it (empty: none), sorted
 * @param unknownMigIds MIG device ids in the list whose parent GPU {@code migParents} did not know
 */
public record GpuAssignments(SortedMap<Integer, SortedSet<ContainerRef>> byGpu, Set<String> unknownMigIds) {
    /** No list yet, or the last one is too old: every GPU assigned to nobody. */
    public static GpuAssignments none(Set<Integer> gpuIds) {
        SortedMap<Integer, SortedSet<ContainerRef>> byGpu = new TreeMap<>();
        gpuIds.forEach(id -> byGpu.put(id, Collections.emptySortedSet()));
        return new GpuAssignments(Collections.unmodifiableSortedMap(byGpu), Set.of());
    }

    /**
     * @param gpus this daemon's GPUs by id
     * @param migParents lower-case MIG device UUID to the id of the GPU it is part of
     */
    public static GpuAssignments join(List<PodResources> pods, Map<Integer, GpuIdentity> gpus,
            Map<String, Integer> migParents) {
        Map<KubeletDeviceId, Integer> gpuOf = new HashMap<>();
        gpus.forEach((id, identity) -> {
            if (!identity.uuid().isEmpty()) {
                gpuOf.put(new KubeletDeviceId(KubeletDeviceId.Kind.GPU_UUID, identity.uuid().toLowerCase(Locale.ROOT)),
                        id);
            }
            gpuOf.put(new KubeletDeviceId(KubeletDeviceId.Kind.PCI_ADDRESS,
                    identity.pciAddress().toLowerCase(Locale.ROOT)), id);
            gpuOf.put(new KubeletDeviceId(KubeletDeviceId.Kind.GPU_INDEX, Integer.toString(id)), id);
        });
        migParents.forEach((mig, id) -> gpuOf.put(new KubeletDeviceId(KubeletDeviceId.Kind.MIG_UUID, mig), id));

        SortedMap<Integer, SortedSet<ContainerRef>> byGpu = new TreeMap<>();
        gpus.keySet().forEach(id -> byGpu.put(id, new TreeSet<>()));
        Set<String> unknownMig = new TreeSet<>();
        for (PodResources pod : pods) {
            for (ContainerResources container : pod.getContainersList()) {
                ContainerRef ref = new ContainerRef(pod.getNamespace(), pod.getName(), container.getName());
                for (ContainerDevices devices : container.getDevicesList()) {
                    for (String deviceId : devices.getDeviceIdsList()) {
                        Optional<KubeletDeviceId> named = KubeletDeviceId.parse(devices.getResourceName(), deviceId);
                        if (named.isEmpty()) {
                            continue;
                        }
                        Integer gpu = gpuOf.get(named.get());
                        if (gpu != null) {
                            byGpu.get(gpu).add(ref);
                        } else if (named.get().kind() == KubeletDeviceId.Kind.MIG_UUID) {
                            unknownMig.add(named.get().key());
                        }
                    }
                }
            }
        }
        byGpu.replaceAll((id, refs) -> Collections.unmodifiableSortedSet(refs));
        return new GpuAssignments(Collections.unmodifiableSortedMap(byGpu), Collections.unmodifiableSet(unknownMig));
    }
}
