import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../errors/api-error.js';

/**
 * Server-side request forgery guard for webhook URLs (DESIGN §3.10). A webhook URL is chosen by a tenant, and the
 * server POSTs to it: without this check a tenant could make the server call its own loopback services, the cloud
 * metadata endpoint (169.254.169.254) or the operator's private network. The check runs on create and update, and
 * the dispatcher runs it again before every delivery because a name can resolve elsewhere later (DNS rebinding).
 */

/** Every range that is not a public unicast destination (IANA special-purpose registries, RFC 6890 and successors). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", and the unspecified 0.0.0.0
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT, shared address space
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, where cloud metadata services live
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast 255.255.255.255
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified ::, loopback ::1 and the deprecated IPv4-compatible addresses
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed internally by some networks)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether `ip` is a public unicast address a webhook may be sent to. Anything that is not a valid IP literal is
 * not public. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it maps (BlockList does this),
 * and the IPv4 address embedded in a NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address is judged too, because
 * a gateway would forward to it.
 */
export function isPublicAddress(ip: string): boolean {
  // A zone index (`fe80::1%eth0`) only qualifies link-local addresses; BlockList does not accept it.
  const address = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  if (NOT_PUBLIC.check(address, 'ipv6')) return false;
  const embedded = embeddedIpv4(address);
  return embedded === undefined || !NOT_PUBLIC.check(embedded, 'ipv4');
}

/** The IPv4 address a NAT64 or 6to4 address carries, if it is one. */
function embeddedIpv4(ipv6: string): string | undefined {
  const groups = ipv6Groups(ipv6);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return ipv4Of(groups[6] ?? 0, groups[7] ?? 0);
  }
  if (groups[0] === 0x2002) return ipv4Of(groups[1] ?? 0, groups[2] ?? 0);
  return undefined;
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 literal (`::` expanded, a dotted IPv4 tail folded into two groups). */
function ipv6Groups(ipv6: string): number[] {
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = ipv6.split('::');
  const before = parse(head);
  if (tail === undefined) return before;
  const after = parse(tail);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/** Resolves a host name to every address it has. Injectable so tests (and machines without DNS) need no network. */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface WebhookUrlCheck {
  /** `PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE`: http and private addresses allowed, and names are not resolved. */
  readonly allowPrivate: boolean;
  readonly resolve?: HostResolver | undefined;
}

export interface CheckedWebhookUrl {
  readonly url: URL;
  /**
   * The addresses the host resolved to, all public: a caller that connects to one of these rather than resolving
   * again closes the rebinding window. Empty when `allowPrivate` skipped resolution.
   */
  readonly addresses: readonly string[];
}

/**
 * Refuses (400 `url_not_allowed`, param `url`) a webhook URL that is not https, or whose host is, or resolves to,
 * any address that is not public, or does not resolve at all. With `allowPrivate` only the scheme is checked
 * (http or https), for development and for receivers on the operator's own network.
 */
export async function checkWebhookUrl(raw: string, check: WebhookUrlCheck): Promise<CheckedWebhookUrl> {
  const url = parseUrl(raw);
  const schemes = check.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw refused(
      check.allowPrivate ? 'The webhook URL must use http or https.' : 'The webhook URL must use https.',
    );
  }
  if (check.allowPrivate) return { url, addresses: [] };

  // WHATWG URL keeps the brackets of an IPv6 host and normalises IPv4 spellings (`0x7f.1` → `127.0.0.1`).
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const addresses = isIP(host) !== 0 ? [host] : await resolveHost(host, check.resolve ?? systemResolver);
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked !== undefined) {
    throw refused(
      `The webhook URL's host ${host} ${blocked === host ? 'is' : `resolves to ${blocked}, which is`} not a public address.`,
    );
  }
  return { url, addresses };
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw refused('The webhook URL is not a valid absolute URL.');
  }
}

async function resolveHost(host: string, resolve: HostResolver): Promise<readonly string[]> {
  let addresses: readonly string[];
  try {
    addresses = await resolve(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) throw refused(`The webhook URL's host ${host} does not resolve.`);
  return addresses;
}

function refused(message: string): ApiError {
  return new ApiError('url_not_allowed', message, { param: 'url' });
}
