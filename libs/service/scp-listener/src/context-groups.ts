// C-MOVE sub-associations propose one presentation context per stored (SOP class, transfer
// syntax); PS3.8 §9.3.2.2 allows 128 (odd ids 1-255), so larger mixes take several.
import type { RetrieveInstance } from '@pacs/domain';

const MAX_CONTEXTS = 128;

/** Instances in groups whose (SOP class, transfer syntax) pairs fit one association. */
export function groupByContexts(instances: readonly RetrieveInstance[], max = MAX_CONTEXTS): RetrieveInstance[][] {
  const groups: Array<{ pairs: Set<string>; instances: RetrieveInstance[] }> = [];
  for (const instance of instances) {
    const pair = `${instance.sopClassUid} ${instance.transferSyntaxUid}`;
    let group = groups.find((g) => g.pairs.has(pair)) ?? groups.find((g) => g.pairs.size < max);
    if (!group) {
      group = { pairs: new Set(), instances: [] };
      groups.push(group);
    }
    group.pairs.add(pair);
    group.instances.push(instance);
  }
  return groups.map((g) => g.instances);
}
