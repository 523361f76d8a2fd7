import { type KindIntake, takingOver } from '../define.js';
import { type ElasticsearchProvisionParams, storageClassOf } from './params.js';

/**
 * An Elasticsearch cluster (ECK) in a namespace of a stateful cluster: `--nodes` nodes of one tier, each
 * with `--storage` on the tier's storage class, spread over zones. `--take-over` takes over fields another
 * field manager holds on it; without it such a field fails the request and nothing is overwritten.
 * Examples: `/n3r es create search --cluster sta-kr1-a --namespace team-data-search --version 8.15.3`
 *           `/n3r es create logs --cluster sta-kr1-a --namespace team-data-logs --version 8.16.1 --nodes 6 --storage 500Gi --tier warm --cpu 4 --memory 16Gi`
 */
export const elasticsearchProvisionIntake = {
  command: ['es', 'create'],
  positional: ['name'],
  switches: ['take-over'],
  usage:
    '/n3r es create <name> --cluster <cluster> --namespace <namespace> --version <8.15.3> [--nodes 3] [--storage 100Gi] [--tier hot|warm|cold] [--storage-class <class>] [--cpu 2] [--memory 4Gi] [--take-over]',
  summary: 'provision an Elasticsearch cluster on a stateful cluster',
  describe: (p) =>
    `Elasticsearch ${p.version} '${p.name}' in ${p.namespace} on ${p.cluster}: ${p.nodes} ${p.tier} nodes, ${p.storage.text} each (${storageClassOf(p)})${takingOver(p)}`,
} satisfies KindIntake<ElasticsearchProvisionParams>;
