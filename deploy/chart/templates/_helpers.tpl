{{/* The release's base name, at most 50 characters so suffixes fit in 63. */}}
{{- define "n3r.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "n3r.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "n3r.labels" -}}
{{ include "n3r.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: n3r-chatops
{{- end -}}

{{- define "n3r.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "n3r.registryConfigMap" -}}
{{ .Values.existingRegistryConfigMap | default (printf "%s-registry" (include "n3r.fullname" .)) }}
{{- end -}}

{{- define "n3r.serviceAccount" -}}
{{ include "n3r.fullname" .root }}-{{ .role }}
{{- end -}}

{{/* Environment shared by both roles. */}}
{{- define "n3r.commonEnv" -}}
{{- $slack := required "slack.existingSecret is required: a Secret with the Slack tokens" .Values.slack.existingSecret -}}
- name: SLACK_MODE
  value: {{ .Values.slack.mode | quote }}
- name: SLACK_BOT_TOKEN
  valueFrom: { secretKeyRef: { name: {{ $slack }}, key: {{ .Values.slack.botTokenKey }} } }
{{- if eq .Values.slack.mode "socket" }}
- name: SLACK_APP_TOKEN
  valueFrom: { secretKeyRef: { name: {{ $slack }}, key: {{ .Values.slack.appTokenKey }} } }
{{- else }}
- name: SLACK_SIGNING_SECRET
  valueFrom: { secretKeyRef: { name: {{ $slack }}, key: {{ .Values.slack.signingSecretKey }} } }
{{- end }}
{{- with .Values.slack.apiUrl }}
- name: SLACK_API_URL
  value: {{ . | quote }}
{{- end }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.existingSecret is required: a Secret with the Redis URL" .Values.redis.existingSecret }}
      key: {{ .Values.redis.urlKey }}
- name: N3R_PREFIX
  value: {{ .Values.redis.prefix | quote }}
{{- with .Values.redis.sentinels }}
- name: REDIS_SENTINELS
  value: {{ . | quote }}
- name: REDIS_SENTINEL_MASTER
  value: {{ $.Values.redis.sentinelMaster | quote }}
{{- end }}
{{- with .Values.webhook.existingSecret }}
- name: N3R_ALERT_WEBHOOK_TOKEN
  valueFrom: { secretKeyRef: { name: {{ . }}, key: {{ $.Values.webhook.tokenKey }} } }
{{- end }}
- name: N3R_REGISTRY
  value: /etc/n3r/registry/registry.yaml
{{- if .Values.kubeconfig.existingSecret }}
- name: KUBECONFIG
  value: /etc/n3r/kubeconfig/{{ .Values.kubeconfig.key }}
{{- end }}
{{- with .Values.policy.bundleUrl }}
- name: N3R_BUNDLE_URL
  value: {{ . | quote }}
{{- if and (not $.Values.policy.verificationKeys.existingSecret) (not $.Values.policy.allowUnsigned) }}
{{- fail "policy.verificationKeys.existingSecret is required with policy.bundleUrl (or set policy.allowUnsigned=true)" }}
{{- end }}
{{- end }}
{{- with .Values.policy.verificationKeys.existingSecret }}
- name: N3R_BUNDLE_VERIFICATION_KEYS
  valueFrom: { secretKeyRef: { name: {{ . }}, key: {{ $.Values.policy.verificationKeys.key }} } }
{{- end }}
{{- if .Values.policy.allowUnsigned }}
- name: N3R_BUNDLE_ALLOW_UNSIGNED
  value: "true"
{{- end }}
- name: N3R_BUNDLE_POLL_MS
  value: {{ .Values.policy.pollMs | quote }}
- name: N3R_HTTP_PORT
  value: {{ .Values.service.port | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- end -}}

{{/* Volumes shared by both roles: the registry, the kubeconfig, a writable /tmp. */}}
{{- define "n3r.volumes" -}}
- name: registry
  configMap:
    name: {{ include "n3r.registryConfigMap" . }}
{{- if .Values.kubeconfig.existingSecret }}
- name: kubeconfig
  secret:
    secretName: {{ .Values.kubeconfig.existingSecret }}
    defaultMode: 0400
{{- end }}
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "n3r.volumeMounts" -}}
- name: registry
  mountPath: /etc/n3r/registry
  readOnly: true
{{- if .Values.kubeconfig.existingSecret }}
- name: kubeconfig
  mountPath: /etc/n3r/kubeconfig
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Liveness and readiness on the ops port. */}}
{{- define "n3r.probes" -}}
livenessProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /readyz, port: ops }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
startupProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: 2
  failureThreshold: 30
{{- end -}}
