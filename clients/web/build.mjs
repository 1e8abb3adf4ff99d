// Builds the package: one ES module bundled by esbuild (dist/presence-web.js, what the console embeds) and the type
// declarations by tsc (dist/types). `node build.mjs <dir>` builds into another folder, so a test can compare a fresh
// build with the committed one.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, process.argv[2] ?? 'dist');
rmSync(out, { recursive: true, force: true });

await build({
  absWorkingDir: here,
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outfile: join(out, 'presence-web.js'),
  legalComments: 'none',
  charset: 'utf8',
  banner: { js: '// Presence.Orleans web SDK, built from clients/web/src by clients/web/build.mjs: edit the sources, then npm run build.' },
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json'), '--outDir', join(out, 'types')], { stdio: 'inherit' });
