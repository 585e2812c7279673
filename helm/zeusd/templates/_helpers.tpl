{{/* Chart name, overridable. */}}
{{- define "zeusd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "zeusd.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "zeusd.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}

{{- define "zeusd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels never include the chart version: a DaemonSet's selector is immutable. */}}
{{- define "zeusd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zeusd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "zeusd.labels" -}}
helm.sh/chart: {{ include "zeusd.chart" . }}
{{ include "zeusd.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: node-daemon
app.kubernetes.io/part-of: zeusd
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "zeusd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "zeusd.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "zeusd.image" -}}
{{- if or (not .Values.image.repository) (contains "REPLACE-WITH-YOUR-REGISTRY" .Values.image.repository) }}
{{- fail "image.repository is still the placeholder: build the image (docs/deploy.md, \"Container images\"), push it to your registry and set image.registry and image.repository" }}
{{- end }}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if and (eq .Values.image.flavor "native") (not .Values.image.tag) }}
{{- $tag = printf "%s-native" $tag }}
{{- end }}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}
{{- end }}

{{/* uds or tcp; the native image cannot serve a Unix socket (quarkus#25928). */}}
{{- define "zeusd.transport" -}}
{{- $flavor := .Values.image.flavor }}
{{- if not (has $flavor (list "jvm" "native")) }}
{{- fail (printf "image.flavor must be jvm or native, got %q" $flavor) }}
{{- end }}
{{- $mode := .Values.transport.mode | default (ternary "tcp" "uds" (eq $flavor "native")) }}
{{- if not (has $mode (list "uds" "tcp")) }}
{{- fail (printf "transport.mode must be uds, tcp or empty, got %q" $mode) }}
{{- end }}
{{- if and (eq $mode "uds") (eq $flavor "native") }}
{{- fail "transport.mode=uds needs image.flavor=jvm: Quarkus native images do not serve Unix sockets (quarkus#25928)" }}
{{- end }}
{{- $mode }}
{{- end }}

{{/*
The API groups served, as a JSON list: .Values.enable, or when empty every group on the Unix socket and the read
groups on TCP. gpu-control over TCP without tokens is refused, as the daemon refuses it.
*/}}
{{- define "zeusd.enable" -}}
{{- $transport := include "zeusd.transport" . }}
{{- $enable := .Values.enable }}
{{- if not $enable }}
{{- $enable = ternary (list "gpu-control" "gpu-read" "cpu-read") (list "gpu-read" "cpu-read") (eq $transport "uds") }}
{{- end }}
{{- if and (eq $transport "tcp") (has "gpu-control" $enable) (not .Values.auth.enabled) (not .Values.allowUnauthenticatedControl) }}
{{- fail "gpu-control over TCP without auth.enabled would let anyone who reaches the port change GPU power limits and clocks: enable auth, serve only gpu-read and cpu-read, or set allowUnauthenticatedControl=true" }}
{{- end }}
{{- toJson $enable }}
{{- end }}

{{- define "zeusd.gpusNeeded" -}}
{{- $enable := include "zeusd.enable" . | fromJsonArray }}
{{- if and (not .Values.simulate) (or (has "gpu-read" $enable) (has "gpu-control" $enable)) }}true{{ end }}
{{- end }}

{{- define "zeusd.cpusNeeded" -}}
{{- if and (not .Values.simulate) (has "cpu-read" (include "zeusd.enable" . | fromJsonArray)) }}true{{ end }}
{{- end }}

{{/* Capabilities: only what the enabled groups need. Root reads RAPL counters as their owner. */}}
{{- define "zeusd.capabilities" -}}
{{- $caps := list }}
{{- if and (not .Values.simulate) (has "gpu-control" (include "zeusd.enable" . | fromJsonArray)) }}
{{- $caps = append $caps "SYS_ADMIN" }}
{{- end }}
{{- if and (eq (include "zeusd.transport" .) "uds") (not (kindIs "invalid" .Values.transport.uds.gid)) }}
{{- $caps = append $caps "CHOWN" }}
{{- end }}
{{- toJson $caps }}
{{- end }}
