/**
 * Where the other replicas reach this one when `cluster.advertiseUrl` is not set. The bind address
 * when it is a real one (127.0.0.1 in a test, a pod IP); for a wildcard bind (0.0.0.0, ::), this
 * machine's first non-internal IPv4 address, which every peer on its network can reach; the
 * hostname only as a last resort, since container and sandbox hostnames often do not resolve.
 */
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export function defaultAdvertiseUrl(bindHost: string, port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string {
  if (!WILDCARDS.has(bindHost)) return `http://${bracketed(bindHost)}:${port}`;
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .find((i) => i.family === 'IPv4' && !i.internal);
  return `http://${external?.address ?? hostname()}:${port}`;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
