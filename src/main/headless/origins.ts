import { hostname, networkInterfaces } from 'node:os';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** How a host appears in a URL: IPv6 literals need brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Whether binding `host` keeps the server on this machine (loopback only). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
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
export function allowedOrigins(host: string, port: number, scheme = 'http'): string[] {
  return allowedHostNames(host).map((h) => `${scheme}://${urlHost(h)}:${port}`);
}

/**
 * The `Host` header values a server bound to `host:port` answers: its own names (as in
 * allowedOrigins, plus the machine's host name for a wildcard bind). Any other name is
 * refused, so a DNS-rebinding page (evil.example resolving to 127.0.0.1) cannot reach the
 * page, the API or the exports even when the browser thinks it is same-origin.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = allowedHostNames(host);
  if (WILDCARD.has(host)) names.push(hostname(), `${hostname()}.local`);
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${urlHost(name)}:${port}`.toLowerCase());
    if (port === 80 || port === 443) out.add(urlHost(name).toLowerCase());
  }
  return out;
}

/** Whether a request's Host header names this server (see allowedHosts). */
export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  return header !== undefined && allowed.has(header.toLowerCase());
}

/**
 * The CSP sources for this server's WebSocket. Chromium rejects IPv6 literals in a source
 * expression (`ws://[::1]:7392` is reported as invalid on every load), so they are left out;
 * CSP 3's 'self' already covers ws: to the page's own host and port.
 */
export function cspWebSocketSources(host: string, port: number, scheme = 'ws'): string[] {
  return allowedHostNames(host)
    .filter((h) => !h.includes(':'))
    .map((h) => `${scheme}://${h}:${port}`);
}

function allowedHostNames(host: string): string[] {
  const hosts = new Set(['127.0.0.1', 'localhost', '::1']);
  if (WILDCARD.has(host)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const addr of list ?? []) hosts.add(addr.address);
    }
  } else {
    hosts.add(host);
  }
  return [...hosts];
}
