/**
 * Regenerates the committed demo model artifacts in models/<demo>/ deterministically:
 *   npm run train-demos [-- credit digits spam digits-vae]
 * digits-vae is the digits demo's VAE for glassbox defuse (models/digits-vae/vae.json).
 * Each demo trains with seed 0 on the tfjs wasm backend (one thread), so re-running gives the same
 * weights on the same platform.
 */
import { rename, rm } from 'node:fs/promises';
import { demoModelDir } from '../src/demos/paths.js';
import { listDemos, trainDemoArtifact } from '../src/demos/index.js';
import type { DemoName } from '../src/demos/types.js';
import { digitsVaePath, trainDigitsVae } from '../src/cli/commands/defuse/demo-vae.js';

/** The digits VAE, trained with seed 0 and written atomically (a concurrent run never sees half a file). */
async function trainVaeArtifact(): Promise<void> {
  const started = Date.now();
  const path = digitsVaePath();
  process.stderr.write(`train-demos: digits-vae → ${path}\n`);
  const vae = await trainDigitsVae(0, (p) => {
    if (p.batch === p.batches || p.stage === 'checker') process.stderr.write(`  ${p.stage === 'vae' ? 'VAE' : 'reconstruction classifier'}: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(3)}\n`);
  });
  await vae.save(path);
  process.stderr.write(`train-demos: digits-vae done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const all = [...listDemos().map((d) => d.name), 'digits-vae'];
  const names = requested.length > 0 ? requested : all;
  for (const name of names) {
    if (name === 'digits-vae') {
      await trainVaeArtifact();
      continue;
    }
    const dir = demoModelDir(name);
    const started = Date.now();
    process.stderr.write(`train-demos: ${name} → ${dir}\n`);
    // train into a temporary folder and swap it in, so a concurrent scan never sees a half-written artifact
    const temp = `${dir}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    const summary = await trainDemoArtifact(name as DemoName, temp, (p) => process.stderr.write(`  ${p.message}\n`));
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
    process.stderr.write(`train-demos: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s — ${summary}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
