import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createDashboardApp } from './app.js';
import type { DashboardSession } from './session.js';
import { defaultBundleDir } from './static-files.js';
import { newToken } from './token.js';

export interface ListenOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  readonly token?: string;
  readonly bundleDir?: string;
}

export interface RunningDashboard {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Serves the dashboard on host:port (default 127.0.0.1, port 0 = a free one) with a fresh 256-bit
 * token. Accepted Host headers: 127.0.0.1:PORT, localhost:PORT, and host:PORT when another host was
 * chosen. Resolves once listening with the address to open (it carries the token).
 */
export async function listenDashboard(session: DashboardSession, options: ListenOptions = {}): Promise<RunningDashboard> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  let allowed: ReadonlySet<string> = new Set();
  const app = createDashboardApp({ session, token, allowedHosts: () => allowed, bundleDir: options.bundleDir ?? defaultBundleDir() });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const names = ['127.0.0.1', 'localhost', ...(host === '127.0.0.1' || host === 'localhost' ? [] : [host.includes(':') ? `[${host}]` : host])];
  allowed = new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
