import { networkInterfaces } from 'node:os';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** How a host appears in a URL: IPv6 literals need brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The host a browser on this machine should use to reach a server bound to `host`. */
export function browsableHost(host: string): string {
  return WILDCARD.has(host) ? '127.0.0.1' : host;
}

/**
 * Origins whose pages may use the API of a server bound to `host:port`: the server's own
 * origin under every name it answers to. Loopback names are always included; a wildcard
 * bind adds the addresses of every interface. Anything else (another site, another port) is
 * refused, which is what stops a web page from driving the API of a local Logdock.
 */
export function allowedOrigins(host: string, port: number): string[] {
  const hosts = new Set(['127.0.0.1', 'localhost', '::1']);
  if (WILDCARD.has(host)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const addr of list ?? []) hosts.add(addr.address);
    }
  } else {
    hosts.add(host);
  }
  return [...hosts].map((h) => `http://${urlHost(h)}:${port}`);
}
