/**
 * Which pod uses which GPU: the kubelet's pod-resources API ({@code v1.PodResourcesLister/List}) read on its own
 * schedule over the kubelet's Unix socket, joined with the GPUs this daemon serves. Requests and scrapes only read
 * the last result ({@link dev.zeusd.attribution.PodAttribution#current()}); nothing here runs on their path.
 */
package dev.zeusd.attribution;
