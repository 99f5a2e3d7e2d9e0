// Run a wasm32-wasip1 program under Node's WASI: how scripts/bench.sh measures the
// simulation compiled to WebAssembly, in V8 (Chromium's engine), without a browser.
//   node scripts/wasi-run.mjs PROGRAM.wasm ARGS...
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env } from 'node:process';

const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env, preopens: { '.': '.' }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
