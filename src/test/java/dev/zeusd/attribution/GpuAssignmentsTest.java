package dev.zeusd.attribution;

import static dev.zeusd.testsupport.FakeKubelet.container;
import static dev.zeusd.testsupport.FakeKubelet.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.GpuIdentity;
import dev.zeusd.kubelet.podresources.v1.ContainerDevices;
import dev.zeusd.kubelet.podresources.v1.ContainerResources;

/** The join of a kubelet list with our GPUs, for every device-id form the NVIDIA and AMD plugins use. */
class GpuAssignmentsTest {
    private static final String UUID0 = "GPU-fa4e0000-0000-4000-8000-000000000000";
    private static final String UUID1 = "GPU-fa4e0000-0000-4000-8000-000000000001";
    private static final Map<Integer, GpuIdentity> NVIDIA = Map.of(
            0, new GpuIdentity("H100", "0000:1a:00.0", true, UUID0),
            1, new GpuIdentity("H100", "0000:2a:00.0", true, UUID1),
            2, new GpuIdentity("H100", "0000:3a:00.0", true, "GPU-fa4e0000-0000-4000-8000-000000000002"));
    private static final Map<Integer, GpuIdentity> AMD = Map.of(
            0, new GpuIdentity("MI300X", "0000:c1:00.0", true),
            1, new GpuIdentity("MI210", "0001:05:00.1", true));

    private static ContainerRef ref(String namespace, String pod, String container) {
        return new ContainerRef(namespace, pod, container);
    }

    @Test
    void wholeGpusByUuidAnyCase() {
        GpuAssignments joined = GpuAssignments.join(List.of(
                pod("ml", "train-7f", container("trainer", "nvidia.com/gpu", UUID0, UUID1.toLowerCase())),
                pod("ml", "eval-1", container("eval", "nvidia.com/gpu", UUID1.toUpperCase()))),
                NVIDIA, Map.of());
        assertEquals(Set.of(ref("ml", "train-7f", "trainer")), joined.byGpu().get(0));
        assertEquals(List.of(ref("ml", "eval-1", "eval"), ref("ml", "train-7f", "trainer")),
                List.copyOf(joined.byGpu().get(1)));
        assertEquals(Set.of(), joined.byGpu().get(2), "every GPU is a key, empty when unassigned");
        assertEquals(3, pairs(joined));
    }

    @Test
    void timeSlicedReplicasListEachContainerOnce() {
        GpuAssignments joined = GpuAssignments.join(List.of(
                pod("a", "p1", container("c", "nvidia.com/gpu", UUID0 + "::0", UUID0 + "::3")),
                pod("b", "p2", container("c", "nvidia.com/gpu.shared", UUID0 + "::1"))), NVIDIA, Map.of());
        assertEquals(List.of(ref("a", "p1", "c"), ref("b", "p2", "c")), List.copyOf(joined.byGpu().get(0)));
        assertEquals(2, pairs(joined));
    }

    @Test
    void indexStrategyIds() {
        GpuAssignments joined = GpuAssignments.join(List.of(
                pod("a", "p", container("c", "nvidia.com/gpu", "2", "1::4"))), NVIDIA, Map.of());
        assertEquals(Set.of(ref("a", "p", "c")), joined.byGpu().get(2));
        assertEquals(Set.of(ref("a", "p", "c")), joined.byGpu().get(1));
    }

    @Test
    void migDevicesNeedTheirParentsAndOldNamesCarryThem() {
        String mig = "MIG-fa4e0000-0000-4000-8000-000000020001";
        var pods = List.of(pod("a", "p", container("c", "nvidia.com/mig-1g.10gb", mig)),
                pod("b", "q", container("c", "nvidia.com/mig-1g.10gb", "MIG-" + UUID1 + "/7/0")));
        GpuAssignments unknown = GpuAssignments.join(pods, NVIDIA, Map.of());
        assertEquals(Set.of(mig.toLowerCase()), unknown.unknownMigIds());
        assertEquals(Set.of(), unknown.byGpu().get(2));
        assertEquals(Set.of(ref("b", "q", "c")), unknown.byGpu().get(1), "MIG-GPU-<uuid>/gi/ci names its parent");

        GpuAssignments known = GpuAssignments.join(pods, NVIDIA, Map.of(mig.toLowerCase(), 2));
        assertEquals(Set.of(), known.unknownMigIds());
        assertEquals(Set.of(ref("a", "p", "c")), known.byGpu().get(2));
    }

    @Test
    void amdByPciAddressAnyCase() {
        GpuAssignments joined = GpuAssignments.join(List.of(
                pod("ml", "r", container("c", "amd.com/gpu", "0000:C1:00.0")),
                pod("ml", "s", container("c", "amd.com/gpu", "0001:05:00.1"))), AMD, Map.of());
        assertEquals(Set.of(ref("ml", "r", "c")), joined.byGpu().get(0));
        assertEquals(Set.of(ref("ml", "s", "c")), joined.byGpu().get(1));
    }

    @Test
    void otherResourcesAndForeignDevicesNameNoGpu() {
        ContainerResources mixed = ContainerResources.newBuilder().setName("c")
                .addDevices(ContainerDevices.newBuilder().setResourceName("example.com/fpga").addDeviceIds(UUID0))
                .addDevices(ContainerDevices.newBuilder().setResourceName("amd.com/gpu").addDeviceIds(UUID0))
                .addDevices(ContainerDevices.newBuilder().setResourceName("nvidia.com/gpu")
                        .addDeviceIds("GPU-00000000-0000-0000-0000-00000000beef").addDeviceIds("7"))
                .build();
        GpuAssignments joined = GpuAssignments.join(List.of(pod("a", "p", mixed)), NVIDIA, Map.of());
        assertEquals(0, pairs(joined));
        assertEquals(Set.of(), joined.unknownMigIds());
    }

    @Test
    void noneListsEveryGpuEmpty() {
        assertEquals(Map.of(0, Set.of(), 1, Set.of()), GpuAssignments.none(Set.of(0, 1)).byGpu());
    }

    /** The number of (GPU, container) pairs. */
    private static int pairs(GpuAssignments assignments) {
        return assignments.byGpu().values().stream().mapToInt(Set::size).sum();
    }
}
