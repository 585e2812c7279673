package dev.zeusd.attribution;

import java.util.Comparator;

/** One container of one pod: whom a GPU is assigned to. Its JSON is the {@code /gpu/get_pods} entry. */
public record ContainerRef(String namespace, String pod, String container) implements Comparable<ContainerRef> {
    private static final Comparator<ContainerRef> ORDER = Comparator.comparing(ContainerRef::namespace)
            .thenComparing(ContainerRef::pod).thenComparing(ContainerRef::container);

    @Override
    public int compareTo(ContainerRef other) {
        return ORDER.compare(this, other);
    }
}
