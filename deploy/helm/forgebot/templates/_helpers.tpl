{{/* Chart name, bounded to a DNS label. */}}
{{- define "forgebot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped name; components append -server, -worker, … so keep room for them. */}}
{{- define "forgebot.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" -}}
{{- else if contains (include "forgebot.name" .) .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "forgebot.name" .) | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "forgebot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ include "forgebot.selectorLabels" . }}
{{- end -}}

{{- define "forgebot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "forgebot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one component; call with (dict "root" $ "component" "server"). */}}
{{- define "forgebot.componentLabels" -}}
{{ include "forgebot.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "forgebot.componentSelector" -}}
{{ include "forgebot.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* repository@digest, or repository:tag (tag defaults to appVersion); call with (dict "image" … "root" $). */}}
{{- define "forgebot.imageRef" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "forgebot.secretName" -}}
{{- default (include "forgebot.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/*
The namespace runner Jobs run in (runner.namespace, default <release>-runners): it holds only the runner Jobs and the
Secret forgebot makes for each, and the agent-worker's Role is bound there only. Never the release namespace, where a
Job could mount the Secrets of the other processes.
*/}}
{{- define "forgebot.runnerNamespace" -}}
{{- $ns := default (printf "%s-runners" .Release.Name) .Values.runner.namespace -}}
{{- if eq $ns .Release.Namespace }}{{ fail (printf "runner.namespace must not be the release namespace (%s): runner Jobs get a namespace of their own" $ns) }}{{ end -}}
{{- $ns -}}
{{- end -}}

{{/* Pod Security Admission labels of the runner namespace: "restricted", enforced, audited and warned about. */}}
{{- define "forgebot.podSecurityLabels" -}}
{{- $labels := dict -}}
{{- range $mode := list "enforce" "audit" "warn" -}}
{{- $_ := set $labels (printf "pod-security.kubernetes.io/%s" $mode) "restricted" -}}
{{- $_ := set $labels (printf "pod-security.kubernetes.io/%s-version" $mode) $.Values.runner.podSecurityVersion -}}
{{- end -}}
{{- toYaml $labels -}}
{{- end -}}

{{- define "forgebot.agentServiceAccount" -}}
{{- printf "%s-agent-worker" (include "forgebot.fullname" .) -}}
{{- end -}}

{{/*
The environment of one process: shared settings come from the ConfigMap (envFrom); this adds the Secret keys
mapped for every process and for this one, then the extra plain variables. Call with
(dict "root" $ "secretKeys" .Values.secrets.server "extraEnv" .Values.server.extraEnv).
*/}}
{{- define "forgebot.env" -}}
{{- $root := .root -}}
{{- $secretName := include "forgebot.secretName" $root -}}
{{- $keys := merge (dict) (.secretKeys | default dict) ($root.Values.secrets.all | default dict) -}}
{{- if $root.Values.temporal.apiKeySecretKey }}{{ $_ := set $keys "TEMPORAL_API_KEY" $root.Values.temporal.apiKeySecretKey }}{{ end -}}
{{- if $root.Values.redis.urlSecretKey }}{{ $_ := set $keys "REDIS_URL" $root.Values.redis.urlSecretKey }}{{ end -}}
{{- $github := $root.Values.github | default dict -}}
{{- $githubKeys := $github.secretKeys | default dict -}}
{{- /* GitHub's credentials, by the process that uses each: the server checks webhooks; the worker calls the API; the
agent-worker mints (App) or hands on (token) the runner's read-only clone token. */ -}}
{{- $githubEnv := dict
  "server" (dict "GITHUB_WEBHOOK_SECRET" $githubKeys.webhookSecret)
  "worker" (dict "GITHUB_APP_PRIVATE_KEY" $githubKeys.appPrivateKey "GITHUB_TOKEN" $githubKeys.token)
  "agent-worker" (dict "GITHUB_APP_PRIVATE_KEY" $githubKeys.appPrivateKey "GITHUB_TOKEN" $githubKeys.token "GITHUB_CLONE_TOKEN" $githubKeys.cloneToken) -}}
{{- range $name, $key := (get $githubEnv .command | default dict) }}{{ if $key }}{{ $_ := set $keys $name $key }}{{ end }}{{ end -}}
{{- range $name := keys $keys | sortAlpha }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ get $keys $name }}
{{- end }}
{{- if and $github.appId (has .command (list "worker" "agent-worker")) }}
- name: GITHUB_APP_ID
  value: {{ $github.appId | int64 | quote }}
{{- end }}
{{- range $env := concat ($root.Values.extraEnv | default list) (.extraEnv | default list) }}
{{- if and (regexMatch "(TOKEN|SECRET|API_KEY|PASSWORD|PRIVATE_KEY)" $env.name) (hasKey $env "value") }}
{{- fail (printf "extraEnv %s holds a plain value: put it in the Secret and map it under secrets.* instead" $env.name) }}
{{- end }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with .extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod-level fields every workload shares. */}}
{{- define "forgebot.podCommon" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* prometheus.io annotations of the worker and agent-worker pods: their GET /metrics on metrics.workerPort. */}}
{{- define "forgebot.workerScrapeAnnotations" -}}
{{- if .Values.metrics.scrapeAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.workerPort | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Pod annotations: a checksum of the settings so a change rolls the pods. */}}
{{- define "forgebot.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* One forgebot container running `node /app/bin/forgebot.js <command>`. Call with (dict "root" $ "command" "worker" "secretKeys" … "extraEnv" … "resources" …). */}}
{{- define "forgebot.container" -}}
- name: {{ .command }}
  image: {{ include "forgebot.imageRef" (dict "image" .root.Values.image "root" .root) }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args: [{{ .command | quote }}]
  envFrom:
    - configMapRef:
        name: {{ include "forgebot.fullname" .root }}
  env:
    {{- include "forgebot.env" . | nindent 4 }}
  securityContext:
    {{- toYaml .root.Values.securityContext | nindent 4 }}
  resources:
    {{- toYaml .resources | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
{{- end -}}
