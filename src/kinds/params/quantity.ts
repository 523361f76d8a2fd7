/** Kubernetes resource quantities as people type them, parsed once into numbers the policy can compare. */
import { parsedText, quoted } from './text.js';

/** A CPU quantity: the text as given (a valid Kubernetes quantity) and its millicores. */
export interface CpuQuantity {
  text: string;
  millicores: number;
}

/** A memory (or storage) quantity: the text as given and its bytes. */
export interface MemoryQuantity {
  text: string;
  bytes: number;
}

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

export const cpuQuantity = parsedText<CpuQuantity>(
  (text) => {
    const millicores = cpuMillicores(text);
    return millicores !== undefined && millicores > 0 ? { text, millicores } : undefined;
  },
  (text) => `${quoted(text)} is not a CPU quantity (e.g. 500m, 2, 4.5)`,
);

export const memoryQuantity = parsedText<MemoryQuantity>(
  (text) => {
    const bytes = memoryBytes(text);
    return bytes !== undefined && bytes > 0 ? { text, bytes } : undefined;
  },
  (text) => `${quoted(text)} is not a memory quantity (e.g. 512Mi, 16Gi)`,
);
