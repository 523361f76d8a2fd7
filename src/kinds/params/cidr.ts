/** Network addresses as people type them (`10.1.0.0/16`, `10.2.3.4`, `fd00::/8`), parsed once. */
import { isIPv4, isIPv6 } from 'node:net';
import { parsedText, quoted } from './text.js';

/** A CIDR block: the address as given, its prefix length (a bare address is a /32 or /128) and family. */
export interface Cidr {
  /** `10.1.0.0/16`; a bare address gets its full prefix: `10.2.3.4/32`. */
  text: string;
  address: string;
  prefix: number;
  version: 4 | 6;
}

/** `10.1.0.0/16` → {address 10.1.0.0, prefix 16, v4}; undefined when it is not an IPv4 or IPv6 address or CIDR. */
export function parseCidr(value: string): Cidr | undefined {
  const [address = '', prefixText, extra] = value.split('/');
  if (extra !== undefined) return undefined;
  const version = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (version === undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { text: `${address}/${prefix}`, address, prefix, version };
}

/** `10.1.0.0/16,10.2.3.4` → two CIDRs; undefined when an entry is not an address or CIDR. */
export function parseCidrList(value: string): Cidr[] | undefined {
  const cidrs = value.split(',').map((entry) => parseCidr(entry.trim()));
  return cidrs.length > 0 && cidrs.every((c) => c !== undefined) ? (cidrs as Cidr[]) : undefined;
}

/** Comma-separated IPv4 CIDRs or addresses (the networks an ACL opens; Cilium's toCIDR/fromCIDR). */
export const ipv4CidrList = parsedText<Cidr[]>(
  (value) => {
    const cidrs = parseCidrList(value);
    return cidrs?.every((c) => c.version === 4) ? cidrs : undefined;
  },
  (value) => `${quoted(value)} is not a list of IPv4 CIDRs or addresses (e.g. 10.1.0.0/16,10.2.3.4)`,
);
