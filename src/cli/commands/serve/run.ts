import { spawn } from 'node:child_process';
import { GlassboxError } from '../../../errors.js';
import { listenDashboard } from '../../../server/listen.js';
import type { InputFlags } from '../../load-inputs.js';
import { parseIntegerFlag } from '../../options.js';
import { loadServeSession } from './session.js';

export interface ServeFlags extends InputFlags {
  results?: string;
  port?: string;
  host?: string;
  open?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/**
 * `glassbox serve`: loads the inputs, listens, prints one line with the address (token included) and
 * serves until SIGINT/SIGTERM.
 */
export async function runServe(flags: ServeFlags, signal?: AbortSignal): Promise<void> {
  const port = parseIntegerFlag('--port', flags.port, 0);
  if (port > 65535) throw new GlassboxError('invalid_argument', `--port ${port} is not a TCP port.`, { argument: '--port', hint: 'Use 0 (a free port) or 1–65535.' });
  const host = flags.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) process.stderr.write(`warning: --host ${host} exposes the dashboard beyond this machine; anyone who has the token can read the data and query the model.\n`);
  const { session, dispose } = await loadServeSession(flags);
  try {
    const running = await listenDashboard(session, { port, host });
    process.stdout.write(`glassbox dashboard for ${session.title}: ${running.url}\n`);
    if (flags.open !== false) openBrowser(running.url);
    await untilStopped(signal);
    await running.close();
  } finally {
    await dispose();
  }
}

function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Opens the address in the default browser; failing to is not an error (the address is printed). */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser launcher: the printed address is enough
  }
}
