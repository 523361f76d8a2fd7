/** Kubernetes resource quantities as people type them, turned into numbers the policy can compare. */

const cpuPattern = /^(\d+)(m?)$|^(\d+\.\d{1,3})$/;
const memoryUnits: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const memoryPattern = /^(\d+)(Ki|Mi|Gi|Ti)$/;

/** '8' → 8000, '500m' → 500, '1.5' → 1500; undefined when the text is not a CPU quantity. */
export function cpuMillicores(text: string): number | undefined {
  const match = cpuPattern.exec(text);
  if (!match) return undefined;
  if (match[3] !== undefined) return Math.round(Number(match[3]) * 1000);
  const value = Number(match[1]);
  return match[2] === 'm' ? value : value * 1000;
}

/** '16Gi' → 17179869184; undefined when the text is not a binary-suffixed memory quantity. */
export function memoryBytes(text: string): number | undefined {
  const match = memoryPattern.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const unit = memoryUnits[match[2]];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}
