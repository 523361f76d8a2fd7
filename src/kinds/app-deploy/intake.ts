import { type KindIntake, takingOver } from '../define.js';
import { type AppDeployParams, routeUrl } from './params.js';

/**
 * An app from just an image, with Cloud Run-like defaults: a Deployment with probes on its port and a
 * restricted security context, a Service, an autoscaler (between `--replicas` and `--max-replicas`), a
 * disruption budget; with `--host`, a route on the cluster's shared Gateway (TLS with a certificate unless
 * `--tls no`; internal unless `--public yes`) and an optional rate limit. A rollout that does not become
 * available in time is rolled back. With `--ha`, the same app (and route) goes to every cluster of the
 * named cluster's region pair, each on its own and reported one by one. `--take-over` takes over fields
 * another field manager holds (an autoscaler ceiling a team tuned); without it such a field fails the
 * request and nothing is overwritten.
 * Examples: `/n3r deploy web --cluster pub-kr1-a --namespace team-a-web --image ghcr.io/team-a/web:1.4.2`
 *           `/n3r deploy api --cluster pub-kr1-a --namespace team-a-web --image registry.n3r.io/team-a/api:2.0.1 --port 8000 --replicas 3 --max-replicas 6 --cpu 1 --memory 1Gi --host api.team-a.apps.n3r.io --public yes --rate-limit 100/s`
 *           `/n3r deploy web --cluster pub-kr1-a --namespace team-a-web --image ghcr.io/team-a/web:1.4.2 --ha`
 */
export const appDeployIntake = {
  command: ['deploy'],
  positional: ['app'],
  switches: ['ha', 'take-over'],
  usage:
    '/n3r deploy <app> --cluster <cluster> --namespace <namespace> --image <image> [--port 8080] [--replicas 2] [--max-replicas 2] [--cpu 500m] [--memory 512Mi] [--host <hostname> [--public no] [--tls yes] [--rate-limit 100/s]] [--timeout 2m] [--ha] [--take-over]',
  summary: 'deploy an app from a container image, with probes, autoscaling and an optional route',
  describe: (p) =>
    `deploy ${p.app} (${p.image.text}) to ${p.namespace} on ${p.cluster}: ${p.replicas}${
      p['max-replicas'] !== undefined && p['max-replicas'] !== p.replicas ? `-${p['max-replicas']}` : ''
    } replicas of cpu ${p.cpu.text}, memory ${p.memory.text}${p.host ? `, route ${routeUrl(p)}` : ''}${
      p.ha === 'yes' ? ', on every cluster of its region pair' : ''
    }${takingOver(p)}`,
} satisfies KindIntake<AppDeployParams>;
