import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

/**
 * A progress bar on a TTY (stderr, with rate and ETA), plain lines elsewhere, nothing when quiet.
 */
export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  if (!stream.isTTY) {
    let last = '';
    return {
      update(done, total, label) {
        const line = `[${done}/${total}] ${label}`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: '{bar} {value}/{total} | {label} | {duration_formatted} elapsed, ETA {eta_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
