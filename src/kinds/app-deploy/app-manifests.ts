import type { ExecutorOptions } from '../../executors/executor-deps.js';
import type { Manifest, ObjectRef } from '../../executors/kube-apply.js';
import { type AppDeployParams, replicaCeiling } from './params.js';

export type AppParams = AppDeployParams;

/** Labels and annotations every object of an app carries. */
export interface AppMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export const appNameLabel = 'app.kubernetes.io/name';
const servicePort = 80;
const gatewayGroup = 'gateway.networking.k8s.io';

/** The objects of an app: the workload, rolled out and rolled back together, and how it is reached. */
export interface AppObjects {
  /** Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget. */
  workload: Manifest[];
  /** With a host: the gateway's way in, certificate, listener, route and rate limit, as asked. */
  exposure: Manifest[];
}

/**
 * The manifests of an app. `replicas` is the Deployment's count, chosen by the caller so that applying
 * again never undoes what the autoscaler did.
 */
export function appObjects(
  p: AppParams,
  meta: AppMeta,
  replicas: number,
  options: Pick<ExecutorOptions, 'gateways' | 'clusterIssuer'>,
): AppObjects {
  const port = p.port;
  const selector = { [appNameLabel]: p.app };
  const metadata = (name: string) => ({ name, namespace: p.namespace, ...meta });
  const restricted = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const probe = { tcpSocket: { port: 'http' } };
  const workload: Manifest[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(p.app),
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        // Surge and never take a ready pod away first: a bad version never lowers what is serving.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { ...selector, 'app.kubernetes.io/managed-by': 'n3r' } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restricted,
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
            containers: [
              {
                name: 'app',
                image: p.image.ref,
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env: [{ name: 'PORT', value: String(port) }],
                resources: {
                  requests: { cpu: p.cpu.text, memory: p.memory.text },
                  limits: { cpu: p.cpu.text, memory: p.memory.text },
                },
                startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 60 },
                readinessProbe: { ...probe, periodSeconds: 5 },
                livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
                securityContext: {
                  ...restricted,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                // The root filesystem is read-only; most runtimes still want a scratch directory.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(p.app),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: servicePort, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: metadata(p.app),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: p.app },
        minReplicas: p.replicas,
        maxReplicas: replicaCeiling(p),
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadata(p.app),
      // One at a time; pods that never became ready may always be evicted, so they cannot block a drain.
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    },
  ];

  const exposure: Manifest[] = [];
  if (p.host !== undefined) {
    const tls = p.tls !== 'no';
    const gateway = p.public === 'yes' ? options.gateways.public : options.gateways.internal;
    exposure.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(`${p.app}-from-gateway`),
      // The namespace denies all ingress by default; the gateway's proxies are let in to the app's port.
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gateway.namespace } } },
            ],
            ports: [{ protocol: 'TCP', port }],
          },
        ],
      },
    });
    if (tls) {
      exposure.push(
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: metadata(p.app),
          spec: {
            secretName: `${p.app}-tls`,
            dnsNames: [p.host],
            issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: options.clusterIssuer },
            privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          },
        },
        {
          // The shared Gateway is the platform's; a ListenerSet in the team's namespace brings the host's
          // HTTPS listener and certificate to it without anyone editing the Gateway.
          apiVersion: `${gatewayGroup}/v1`,
          kind: 'ListenerSet',
          metadata: metadata(p.app),
          spec: {
            parentRef: {
              group: gatewayGroup,
              kind: 'Gateway',
              name: gateway.name,
              namespace: gateway.namespace,
            },
            listeners: [
              {
                name: 'https',
                hostname: p.host,
                port: 443,
                protocol: 'HTTPS',
                tls: {
                  mode: 'Terminate',
                  certificateRefs: [{ group: '', kind: 'Secret', name: `${p.app}-tls` }],
                },
              },
            ],
          },
        },
      );
    }
    exposure.push({
      apiVersion: `${gatewayGroup}/v1`,
      kind: 'HTTPRoute',
      metadata: metadata(p.app),
      spec: {
        parentRefs: tls
          ? [{ group: gatewayGroup, kind: 'ListenerSet', name: p.app, sectionName: 'https' }]
          : [{ group: gatewayGroup, kind: 'Gateway', name: gateway.name, namespace: gateway.namespace }],
        hostnames: [p.host],
        rules: [{ backendRefs: [{ name: p.app, port: servicePort }] }],
      },
    });
    const rate = p['rate-limit'];
    if (rate) {
      const limit = { requests: rate.requests, unit: rate.unit };
      exposure.push({
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: metadata(p.app),
        spec: {
          targetRefs: [{ group: gatewayGroup, kind: 'HTTPRoute', name: p.app }],
          // Local: per Envoy replica, without the global rate-limit service.
          rateLimit: { type: 'Local', local: { rules: [{ limit }] } },
        },
      });
    }
  }
  return { workload, exposure };
}

/** Every object an app can have, whatever its params: what a removal or a clean-up looks for. */
export function appObjectRefs(
  namespace: string,
  app: string,
): { workload: ObjectRef[]; exposure: ObjectRef[] } {
  const ref = (apiVersion: string, kind: string, name = app): ObjectRef => ({
    apiVersion,
    kind,
    metadata: { name, namespace },
  });
  return {
    workload: [
      ref('apps/v1', 'Deployment'),
      ref('v1', 'Service'),
      ref('autoscaling/v2', 'HorizontalPodAutoscaler'),
      ref('policy/v1', 'PodDisruptionBudget'),
    ],
    exposure: [
      ref('networking.k8s.io/v1', 'NetworkPolicy', `${app}-from-gateway`),
      ref('cert-manager.io/v1', 'Certificate'),
      ref(`${gatewayGroup}/v1`, 'ListenerSet'),
      ref(`${gatewayGroup}/v1`, 'HTTPRoute'),
      ref('gateway.envoyproxy.io/v1alpha1', 'BackendTrafficPolicy'),
    ],
  };
}
