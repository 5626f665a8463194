{{/*
Helpers of the PACS chart. Templates use only the subset of Go templates and Sprig that
tools/k8s/render-chart.ts implements (listed in tools/k8s/README.md), so the tests render
exactly what Helm renders.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "pacs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<name>", or the release name alone when it already contains the name. */}}
{{- define "pacs.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects. Call with (dict "root" $ "name" "scp-listener"). */}}
{{- define "pacs.componentName" -}}
{{- printf "%s-%s" (include "pacs.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select pods; component "" selects every PACS pod. Call with (dict "root" $ "component" "indexer"). */}}
{{- define "pacs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pacs.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* Labels of every object. Same argument as pacs.selectorLabels. */}}
{{- define "pacs.labels" -}}
{{ include "pacs.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: pacs
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "pacs.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "pacs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pacs.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pacs.databaseSecretName" -}}
{{- default (printf "%s-database" (include "pacs.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "pacs.s3SecretName" -}}
{{- default (printf "%s-s3" (include "pacs.fullname" .)) .Values.storage.s3.existingSecret -}}
{{- end -}}

{{- define "pacs.adminTokenSecretName" -}}
{{- default (printf "%s-admin-api" (include "pacs.fullname" .)) .Values.adminApi.auth.existingSecret -}}
{{- end -}}

{{- define "pacs.natsSecretName" -}}
{{- default (printf "%s-nats" (include "pacs.fullname" .)) .Values.bus.existingSecret -}}
{{- end -}}

{{/* Object names of the bundled subcharts, as their own fullname helpers compute them. */}}
{{- define "pacs.postgresql.fullname" -}}
{{- if contains "postgresql" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-postgresql" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pacs.nats.fullname" -}}
{{- if contains "nats" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-nats" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pacs.busServers" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "pacs.nats.fullname" .) -}}
{{- else -}}
{{- .Values.bus.servers -}}
{{- end -}}
{{- end -}}

{{/*
Non-secret settings as PACS_* variables (libs/platform/src/config/schema.ts): the data of
the ConfigMap, and of the migration hook's own copy of it. Numbers from values are float64
under Helm and print in exponent form from 1e6 up, so values.schema.json caps the numbers
printed here below that, and the millisecond drain comes from mul, which yields an int64.
*/}}
{{- define "pacs.configData" -}}
PACS_MODE: "cluster"
PACS_SHUTDOWN_TIMEOUT_MS: {{ mul .Values.drain.timeoutSeconds 1000 | quote }}
PACS_LOG__LEVEL: {{ .Values.log.level | quote }}
PACS_DICOM__AE_TITLE: {{ .Values.dicom.aeTitle | quote }}
PACS_DICOM__PORT: {{ .Values.dicom.port | quote }}
PACS_DICOM__MAX_ASSOCIATIONS: {{ .Values.dicom.maxAssociations | quote }}
PACS_DICOM__ACCEPT_UNKNOWN_CALLING_AE: {{ .Values.dicom.acceptUnknownCallingAe | quote }}
PACS_HTTP__PORT: {{ .Values.http.port | quote }}
PACS_TELEMETRY__PROMETHEUS__ENABLED: {{ .Values.metrics.enabled | quote }}
PACS_TELEMETRY__PROMETHEUS__PORT: {{ .Values.metrics.port | quote }}
{{- with .Values.telemetry.otlpEndpoint }}
PACS_TELEMETRY__OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
PACS_DATABASE__DRIVER: "postgres"
PACS_DATABASE__SCHEMA: {{ .Values.database.schema | quote }}
PACS_DATABASE__POOL_SIZE: {{ .Values.database.poolSize | quote }}
PACS_DATABASE__STATEMENT_TIMEOUT_MS: {{ .Values.database.statementTimeoutMs | quote }}
PACS_BUS__DRIVER: "nats"
PACS_BUS__SERVERS: {{ include "pacs.busServers" . | quote }}
PACS_BUS__STREAM_PREFIX: {{ .Values.bus.streamPrefix | quote }}
PACS_STORAGE__DRIVER: "s3"
PACS_STORAGE__S3__END_POINT: {{ .Values.storage.s3.endPoint | quote }}
{{- with .Values.storage.s3.port }}
PACS_STORAGE__S3__PORT: {{ . | quote }}
{{- end }}
PACS_STORAGE__S3__USE_SSL: {{ .Values.storage.s3.useSSL | quote }}
PACS_STORAGE__S3__BUCKET: {{ .Values.storage.s3.bucket | quote }}
PACS_STORAGE__S3__REGION: {{ .Values.storage.s3.region | quote }}
PACS_STORAGE__S3__PATH_STYLE: {{ .Values.storage.s3.pathStyle | quote }}
PACS_STORAGE__S3__CREATE_BUCKET: {{ .Values.storage.s3.createBucket | quote }}
{{- range $key, $value := .Values.extraConfig }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Environment beyond the ConfigMap: secrets, each a secretKeyRef to a Secret the operator (or a bundled subchart) owns, then extraEnv. */}}
{{- define "pacs.env" -}}
{{- if .Values.postgresql.enabled -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.postgresql.fullname" . }}
      key: password
- name: PACS_DATABASE__URL
  value: {{ printf "postgres://%s:$(DATABASE_PASSWORD)@%s:5432/%s" .Values.postgresql.auth.username (include "pacs.postgresql.fullname" .) .Values.postgresql.auth.database | quote }}
{{- else -}}
- name: PACS_DATABASE__URL
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.databaseSecretName" . }}
      key: {{ .Values.database.secretKeys.url }}
{{- end }}
- name: PACS_STORAGE__S3__ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.s3SecretName" . }}
      key: {{ .Values.storage.s3.secretKeys.accessKey }}
- name: PACS_STORAGE__S3__SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.s3SecretName" . }}
      key: {{ .Values.storage.s3.secretKeys.secretKey }}
{{- if eq .Values.bus.auth "userPassword" }}
- name: PACS_BUS__USER
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.natsSecretName" . }}
      key: {{ .Values.bus.secretKeys.user }}
- name: PACS_BUS__PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.natsSecretName" . }}
      key: {{ .Values.bus.secretKeys.password }}
{{- else if eq .Values.bus.auth "token" }}
- name: PACS_BUS__TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.natsSecretName" . }}
      key: {{ .Values.bus.secretKeys.token }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* admin-api only: API authentication (on unless turned off; the bootstrap token from a Secret) and CORS. */}}
{{- define "pacs.adminApiEnv" -}}
- name: PACS_HTTP__AUTH__ENABLED
  value: {{ .Values.adminApi.auth.enabled | quote }}
{{- if .Values.adminApi.auth.enabled }}
- name: PACS_HTTP__AUTH__ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "pacs.adminTokenSecretName" . }}
      key: {{ .Values.adminApi.auth.secretKey }}
{{- end }}
{{- with .Values.adminApi.corsAllowedOrigins }}
- name: PACS_HTTP__CORS__ALLOWED_ORIGINS
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* With a bundled PostgreSQL the database only exists after install, so migrations run post-install there. */}}
{{- define "pacs.migrationHooks" -}}
{{- if .Values.postgresql.enabled -}}
post-install,pre-upgrade
{{- else -}}
pre-install,pre-upgrade
{{- end -}}
{{- end -}}

{{/*
One PACS Deployment. Call with (dict "root" $ "name" "<app>" "values" .Values.<component>
"preStop" <bool> "autoscaled" <bool>): name is the app under dist/apps/; preStop adds the
sleep that lets load balancers forget the pod before SIGTERM (components behind a Service);
autoscaled leaves replicas to the HPA.
enableServiceLinks is off because Kubernetes would otherwise inject PACS_<SERVICE>_PORT
style variables for this release's Services, and the configuration loader refuses unknown
PACS_* variables.
*/}}
{{- define "pacs.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $tls := and (eq .name "scp-listener") $root.Values.dicom.tls.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "pacs.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "pacs.labels" (dict "root" $root "component" .name) | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml $root.Values.updateStrategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "pacs.selectorLabels" (dict "root" $root "component" .name) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "pacs.selectorLabels" (dict "root" $root "component" .name) | nindent 8 }}
        pacs-metrics: "true"
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "pacs.configData" $root | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "pacs.serviceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      {{- if .preStop }}
      terminationGracePeriodSeconds: {{ add $root.Values.drain.preStopSleepSeconds $root.Values.drain.timeoutSeconds $root.Values.drain.graceMarginSeconds }}
      {{- else }}
      terminationGracePeriodSeconds: {{ add $root.Values.drain.timeoutSeconds $root.Values.drain.graceMarginSeconds }}
      {{- end }}
      {{- if eq $v.podAntiAffinity "soft" }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "pacs.selectorLabels" (dict "root" $root "component" .name) | nindent 20 }}
      {{- else if eq $v.podAntiAffinity "hard" }}
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels:
                  {{- include "pacs.selectorLabels" (dict "root" $root "component" .name) | nindent 18 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "pacs.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          {{- /* The heap floor and the young generation's cap: docs/adr/0002-memory-settings.md */}}
          command: ["node", "--initial-old-space-size=64", "--max-semi-space-size=2", {{ printf "dist/apps/%s/main.js" .name | quote }}]
          ports:
            {{- if eq .name "scp-listener" }}
            - name: dicom
              containerPort: {{ $root.Values.dicom.port }}
              protocol: TCP
            {{- if $tls }}
            - name: dicom-tls
              containerPort: {{ $root.Values.dicom.tls.port }}
              protocol: TCP
            {{- end }}
            {{- end }}
            - name: http
              containerPort: {{ $root.Values.http.port }}
              protocol: TCP
            {{- if $root.Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ $root.Values.metrics.port }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "pacs.fullname" $root }}
          env:
            {{- include "pacs.env" $root | nindent 12 }}
            {{- if eq .name "admin-api" }}
            {{- include "pacs.adminApiEnv" $root | nindent 12 }}
            {{- end }}
            {{- if $tls }}
            - name: PACS_DICOM__TLS__ENABLED
              value: "true"
            - name: PACS_DICOM__TLS__PORT
              value: {{ $root.Values.dicom.tls.port | quote }}
            - name: PACS_DICOM__TLS__CERT_FILE
              value: /etc/pacs/tls/tls.crt
            - name: PACS_DICOM__TLS__KEY_FILE
              value: /etc/pacs/tls/tls.key
            {{- if $root.Values.dicom.tls.caKey }}
            - name: PACS_DICOM__TLS__CA_FILE
              value: /etc/pacs/tls/ca.crt
            {{- end }}
            - name: PACS_DICOM__TLS__REQUIRE_CLIENT_CERT
              value: {{ $root.Values.dicom.tls.requireClientCert | quote }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
            successThreshold: {{ $root.Values.probes.readiness.successThreshold }}
          {{- if .preStop }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", {{ $root.Values.drain.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $tls }}
            - name: dicom-tls
              mountPath: /etc/pacs/tls
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmpSizeLimit }}
        {{- if $tls }}
        - name: dicom-tls
          secret:
            secretName: {{ $root.Values.dicom.tls.existingSecret }}
            # 0440: readable by the pod's group (fsGroup 10001), nobody else
            defaultMode: 288
            items:
              - key: {{ $root.Values.dicom.tls.certKey }}
                path: tls.crt
              - key: {{ $root.Values.dicom.tls.keyKey }}
                path: tls.key
              {{- with $root.Values.dicom.tls.caKey }}
              - key: {{ . }}
                path: ca.crt
              {{- end }}
        {{- end }}
{{- end -}}
