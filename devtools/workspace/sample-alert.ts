import { randomBytes } from 'node:crypto';

/**
 * An Alertmanager webhook body (version 4, as Alertmanager's `webhook_config` posts it) for one firing
 * alert in team-a's namespace on the local public cluster.
 */
export function sampleAlert(now = new Date()): Record<string, unknown> {
  const labels = {
    alertname: 'KubePodCrashLooping',
    cluster: 'pub-local-a',
    namespace: 'team-a-web',
    pod: 'web-6d5f7c9b8-x2k4q',
    team: 'team-a',
    severity: 'critical',
  };
  const annotations = {
    summary: 'Pod team-a-web/web-6d5f7c9b8-x2k4q is crash looping',
    description: 'The container web restarted 5 times in the last 10 minutes.',
  };
  const groupLabels = { alertname: labels.alertname, namespace: labels.namespace };
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}", namespace="${labels.namespace}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'n3r',
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations,
        startsAt: now.toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=kube_pod_container_status_restarts_total',
        fingerprint: randomBytes(8).toString('hex'),
      },
    ],
  };
}
