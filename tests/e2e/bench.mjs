// Browser figures for scripts/bench.sh, in Debian's headless Chromium: prints, judges nothing.
//   1. time to interactive, over fresh page loads: the home page (index.html) until the lesson
//      map's cards are visible, and the sandbox (index.html#sandbox) until the stage is visible
//      and the player's play and step-forward buttons are enabled;
//   2. over throttled links (LINKS: "4G", "slow 3G"), THROTTLED_LOADS fresh loads of the
//      home page and of the sandbox each: first paint, first contentful paint, time to interactive, and the bytes
//      on the wire before and after it, per file;
//   3. animation frame time while playing with ~200 envelopes in flight (a scenario carried
//      in the address as `#doc=<encodeURIComponent(JSON)>`, see web/src/share.rs).
// Usage: node tests/e2e/bench.mjs [DIST]   (DIST defaults to ../../dist; LOADS=5, THROTTLED_LOADS=2,
// SAMPLE_MS=3000). dist/ is served by serveDist below, gzipped as a static host would.
// Exits non-zero only when it cannot run (no dist, no browser, the page never comes up).
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { launchOptions } from './chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] || path.join(here, '../../dist'));
const LOADS = Number(process.env.LOADS || 5);
const SAMPLE_MS = Number(process.env.SAMPLE_MS || 3000);
const THROTTLED_LOADS = Number(process.env.THROTTLED_LOADS || 2);

const viewport = { width: 1440, height: 900 };

/**
 * ~200 produce requests on the wire at once: 9 brokers, one topic of 12 partitions (RF 3,
 * leaders broker-1…9 then broker-1…3), 4 producers (max_in_flight 10 per broker), each
 * sending 4 one-message batches to every partition at t = 1 s (at most 8 per leader, under
 * the cap), over producer↔broker links slowed by 4 s so that they stay in flight.
 */
export const PRODUCE_AT_MS = 1000;
export const SLOW_MS = 4000;
export function busyScenario() {
  const producers = ['p1', 'p2', 'p3', 'p4'];
  const brokers = 9;
  const partitions = 12;
  const rounds = 4;
  const script = [];
  for (const p of producers) {
    for (let b = 1; b <= brokers; b++) {
      script.push({ at_ms: 1, do: 'slow_link', a: p, b: `broker-${b}`, extra_ms: SLOW_MS });
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of producers) {
      for (let part = 0; part < partitions; part++) {
        script.push({
          at_ms: PRODUCE_AT_MS, do: 'produce', producer: p, topic: 'load',
          count: 1, key: `${p}`, partition: part,
        });
      }
    }
  }
  return {
    id: 'bench-200-in-flight',
    title: { en: 'Benchmark: ~200 requests in flight', zh: '基准：约 200 个请求在途' },
    seed: 1,
    duration_ms: 20000,
    kafka: {
      brokers,
      topics: [{ name: 'load', partitions, replication_factor: 3, min_insync_replicas: 2 }],
    },
    producers: producers.map((name) => ({ name, acks: 'all', max_in_flight: 10 })),
    script,
  };
}

// The static host: dist/ as a real one serves it, so the bytes on the wire are the ones a
// visitor downloads. Text and wasm go gzip-compressed (level 9, compressed once and kept, as
// a host serving pre-compressed files does) when the browser accepts gzip; every response
// has its proper type (application/wasm lets the browser compile while it downloads) and
// Cache-Control: no-store, so a fresh context always goes to the network.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const COMPRESSED = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.txt', '.webmanifest']);

export async function serveDist(root) {
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://host');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
      // Nothing outside dist/, and not trunk's lock file or staging folder.
      if (!file.startsWith(root + path.sep) || path.basename(file).startsWith('.') || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      let body = await readFile(file);
      const ext = path.extname(file);
      const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' };
      if (COMPRESSED.has(ext)) {
        headers.Vary = 'Accept-Encoding';
        if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
          if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 9 }));
          body = gzipped.get(file);
          headers['Content-Encoding'] = 'gzip';
        }
      }
      headers['Content-Length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Cache-Control': 'no-store' }).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${server.address().port}/`;
  return {
    base,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(1)} ms`;

// Runs in the page from its first script on: stamps (ms since navigation start) the first
// frame in which the stage is visible and the play and step-forward buttons are enabled.
function watchInteractive() {
  const ready = () => {
    if (!location.hash) {
      const card = document.querySelector('.lesson-card');
      return !!card && card.getBoundingClientRect().height > 0;
    }
    const stage = document.querySelector('[data-testid=stage]');
    if (!stage) return false;
    const box = stage.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(stage).visibility === 'hidden') return false;
    const buttons = ['player-play', 'player-forward'].map((id) => document.querySelector(`[data-testid=${id}]`));
    return buttons.every((b) => b && !b.disabled);
  };
  const poll = () => {
    if (ready()) window.__mqlabInteractive = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

async function timeToInteractive(browser, base, hash) {
  const times = [];
  const wasm = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.addInitScript(watchInteractive);
    await page.goto(`${base}index.html${hash}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__mqlabInteractive !== undefined, null, { timeout: 30_000 });
    times.push(await page.evaluate(() => window.__mqlabInteractive));
    const w = await page.evaluate(() => {
      const r = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return r ? r.responseEnd : NaN;
    });
    wasm.push(w);
    await context.close();
  }
  return { times, wasm };
}

/**
 * Link profiles for Chromium's network emulation (CDP Network.emulateNetworkConditions:
 * `latency` is the added round trip per request in ms, throughputs in bytes/s).
 */
export const LINKS = [
  // 165 ms round trip, 8.1 Mbit/s down (DevTools' "Fast 4G").
  { name: '4G', latency: 165, downloadThroughput: 1_012_500, uploadThroughput: 675_000 },
  // 2 s round trip, 0.4 Mbit/s each way (DevTools' "Slow 3G").
  { name: 'slow 3G', latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 },
];

/**
 * The pages loaded over throttled links: the home page (its own small module) and a link
 * into the sandbox (the playground's module, as a shared link loads).
 */
const THROTTLED_PAGES = [
  { name: 'home page', hash: '' },
  { name: 'sandbox', hash: '#sandbox' },
];

/**
 * One fresh load of a page over a throttled link, in a new context (empty HTTP cache)
 * with service workers blocked (the worker's install would fetch every file again): first
 * paint and first contentful paint (the page's paint timings), time to interactive (as
 * above), and each response's bytes on the wire (CDP's encodedDataLength: compressed body
 * and headers), split at the moment the page became interactive. Times are ms from the
 * navigation's start; CDP's clock starts at the moment the page's own request is sent.
 */
async function throttledLoad(browser, base, link, hash) {
  const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(watchInteractive);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: link.latency,
    downloadThroughput: link.downloadThroughput,
    uploadThroughput: link.uploadThroughput,
  });
  const requests = new Map(); // requestId → { url, start, end, bytes, failed }
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.request.url, start: e.timestamp });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: 0, failed: e.errorText });
  });
  const url = `${base}index.html${hash}`;
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForFunction(() => window.__mqlabInteractive !== undefined, null, { timeout: 180_000 });
  // Whatever the page fetches once it is interactive: wait until nothing has been in flight
  // for 2 s (at most 60 s).
  const web = () => [...requests.values()].filter((r) => r.url.startsWith('http'));
  for (let quiet = 0, waited = 0; quiet < 2000 && waited < 60_000; waited += 100) {
    await page.waitForTimeout(100);
    quiet = web().some((r) => r.end === undefined) ? 0 : quiet + 100;
  }
  const inPage = await page.evaluate(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    return { interactive: window.__mqlabInteractive, fp: paint['first-paint'], fcp: paint['first-contentful-paint'] };
  });
  await context.close();
  const all = web();
  const doc = all.find((r) => r.url.split('#')[0] === url.split('#')[0]) || all[0];
  const files = all.map((r) => ({
    name: r.url.startsWith(base) ? r.url.slice(base.length).split(/[?#]/)[0] || '/' : r.url,
    at: r.end === undefined ? Infinity : (r.end - doc.start) * 1000,
    bytes: r.bytes || 0,
    failed: r.failed || (r.end === undefined ? 'unfinished' : undefined),
  }));
  return { ...inPage, files };
}

async function throttled(browser, base, link, page) {
  const loads = [];
  for (let i = 0; i < THROTTLED_LOADS; i++) loads.push(await throttledLoad(browser, base, link, page.hash));
  const list = (xs) => `[${xs.map((x) => (x === undefined ? '-' : x.toFixed(0))).join(', ')}]`;
  const med = (xs) => (xs.some((x) => x === undefined) ? 'n/a' : ms(median(xs)));
  const fp = loads.map((l) => l.fp);
  const fcp = loads.map((l) => l.fcp);
  const tti = loads.map((l) => l.interactive);
  console.log(
    `${link.name} (latency ${link.latency} ms, down ${link.downloadThroughput} B/s, up ${link.uploadThroughput} B/s), ` +
      `${page.name}, ${loads.length} fresh load(s), service workers blocked:`,
  );
  console.log(`  first paint             median ${med(fp)}  ${list(fp)}`);
  console.log(`  first contentful paint  median ${med(fcp)}  ${list(fcp)}`);
  console.log(`  interactive             median ${med(tti)}  ${list(tti)}`);
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const split = (l) => ({
    before: l.files.filter((f) => f.at <= l.interactive),
    after: l.files.filter((f) => f.at > l.interactive),
  });
  const sum = (fs) => fs.reduce((a, f) => a + f.bytes, 0);
  const totals = loads.map((l) => split(l));
  console.log(
    `  on the wire before interactive (first load): median ${kb(median(totals.map((t) => sum(t.before))))}; ` +
      `after: median ${kb(median(totals.map((t) => sum(t.after))))}`,
  );
  // Per file, from the first load (the same files every time).
  const { before, after } = totals[0];
  const show = (fs) =>
    fs
      .sort((a, b) => a.at - b.at)
      .map((f) => `    ${f.name}  ${kb(f.bytes)}  done at ${Number.isFinite(f.at) ? ms(f.at) : '-'}${f.failed ? ` (${f.failed})` : ''}`)
      .join('\n');
  console.log(`  load 1, before interactive: ${before.length} response(s), ${kb(sum(before))}`);
  if (before.length) console.log(show(before));
  console.log(`  load 1, after interactive: ${after.length} response(s), ${kb(sum(after))}`);
  if (after.length) console.log(show(after));
}

async function frameTime(browser, base) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const hash = `#doc=${encodeURIComponent(JSON.stringify(busyScenario()))}`;
  await page.goto(`${base}index.html${hash}`);
  await page.getByTestId('stage').waitFor({ state: 'visible', timeout: 30_000 });
  // A document the app refuses falls back to the first example, with a notice: no broker-9.
  if ((await page.getByTestId('broker-9').count()) === 0) {
    throw new Error(`the scenario in the address did not load: ${await page.locator('body').innerText()}`.slice(0, 600));
  }

  const stepInfo = () =>
    page.evaluate(() => {
      const [, now, total] = document.querySelector('[data-testid=step-counter]').textContent.match(/(\d+)\s*\/\s*(\d+)/);
      const t = document.querySelector('[data-testid=sim-time]').textContent.match(/([\d.]+)\s*s/);
      return { now: Number(now), total: Number(total), timeMs: Math.round(Number(t[1]) * 1000) };
    });
  const seek = async (step) => {
    await page.evaluate((s) => {
      const input = document.querySelector('[data-testid=timeline]');
      input.value = String(s);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, step);
    await page.waitForFunction(
      (s) => (document.querySelector('[data-testid=step-counter]').textContent.match(/(\d+)\s*\//) || [])[1] === String(s),
      step,
    );
    return stepInfo();
  };
  const countEnvelopes = () =>
    page.evaluate(() => ({
      all: document.querySelectorAll('.stage-svg .envelopes .env').length,
      data: document.querySelectorAll('.stage-svg .envelopes .env:not(.control)').length,
    }));

  // The busy moment: the first step at least 100 ms after the batches set off (all are on
  // the wire then, none has arrived), found by bisection on the timeline.
  const { total } = await stepInfo();
  const target = PRODUCE_AT_MS + 100;
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const { timeMs } = await seek(mid);
    if (timeMs >= target) hi = mid;
    else lo = mid + 1;
  }
  const busy = await seek(lo);
  await page.waitForTimeout(500); // let the paused stage settle
  const atBusy = await countEnvelopes();

  // Play from there, and sample requestAnimationFrame deltas in the page. Frames are paced
  // at 60 Hz, so the median cannot go below 16.7 ms: the main thread's busy time over the
  // sample (Chromium's own counters) says how much of the budget is used.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await page.getByTestId('player-play').click();
  const before = await metrics();
  const sample = await page.evaluate(async (duration) => {
    const deltas = [];
    const counts = [];
    const longTasks = [];
    let stoppedAt = null;
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    try {
      observer.observe({ type: 'longtask' });
    } catch {
      /* not supported */
    }
    const app = document.querySelector('.app');
    const group = document.querySelector('.stage-svg .envelopes');
    await new Promise((resolve) => {
      let last = null;
      let start = null;
      const frame = (t) => {
        if (last !== null) deltas.push(t - last);
        if (start === null) start = t;
        last = t;
        counts.push((document.querySelector('.stage-svg .envelopes') || group).childElementCount);
        if (stoppedAt === null && !app.classList.contains('playing')) stoppedAt = t - start;
        if (t - start >= duration) resolve();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    observer.disconnect();
    return { deltas, counts, longTasks, stoppedAt };
  }, SAMPLE_MS);
  const end = await metrics();
  const busyMs = {};
  for (const k of ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration']) {
    busyMs[k] = (end[k] - before[k]) * 1000;
  }
  const wallMs = (end.Timestamp - before.Timestamp) * 1000;
  const after = await stepInfo();
  await context.close();
  return { busy, atBusy, sample, after, total, errors, busyMs, wallMs };
}

async function main() {
  if (!existsSync(path.join(dist, 'index.html'))) {
    console.error(`bench (browser): ${dist}/index.html not found: build the site first`);
    process.exit(1);
  }
  const { base, close } = await serveDist(dist);
  let browser;
  try {
    browser = await chromium.launch({ headless: true, ...launchOptions });
    console.log(`Chromium ${browser.version()} headless, ${viewport.width}×${viewport.height}, ${dist} on ${base}`);

    const home = await timeToInteractive(browser, base, '');
    console.log(
      `time to interactive, home (navigation → lesson map visible), ${home.times.length} fresh loads: ` +
        `median ${ms(median(home.times))}, max ${ms(Math.max(...home.times))}  [${home.times.map((t) => t.toFixed(0)).join(', ')}]`,
    );
    const { times, wasm } = await timeToInteractive(browser, base, '#sandbox');
    console.log(
      `time to interactive, sandbox (navigation → stage visible, player enabled), ${times.length} fresh loads: ` +
        `median ${ms(median(times))}, max ${ms(Math.max(...times))}  [${times.map((t) => t.toFixed(0)).join(', ')}]`,
    );
    console.log(`  of which the wasm file arrived at: median ${ms(median(wasm))}`);

    console.log('throttled links (Chromium network emulation), times from navigation start:');
    for (const link of LINKS) {
      for (const page of THROTTLED_PAGES) await throttled(browser, base, link, page);
    }

    const { busy, atBusy, sample, after, total, errors, busyMs, wallMs } = await frameTime(browser, base);
    const { deltas, counts, longTasks, stoppedAt } = sample;
    console.log(
      `scenario: 9 brokers, 1 topic × 12 partitions RF 3, 4 producers (max_in_flight 10) × 4 batches × 12 partitions ` +
        `at t=${PRODUCE_AT_MS} ms, producer↔broker links +${SLOW_MS} ms (${total} steps)`,
    );
    console.log(
      `envelopes rendered at step ${busy.now} (t = ${busy.timeMs} ms): ${atBusy.all} ` +
        `(${atBusy.data} requests/responses, ${atBusy.all - atBusy.data} control)`,
    );
    if (deltas.length === 0) {
      console.log('frame time: no frames sampled');
    } else {
      console.log(
        `frame time while playing at 1× for ${(SAMPLE_MS / 1000).toFixed(1)} s, ${deltas.length} frames: ` +
          `median ${ms(median(deltas))}, p95 ${ms(pct(deltas, 95))}, max ${ms(Math.max(...deltas))}; ` +
          `envelopes on screen median ${median(counts)} (min ${Math.min(...counts)}, max ${Math.max(...counts)}); ` +
          `long tasks ${longTasks.length}${longTasks.length ? ` (longest ${ms(Math.max(...longTasks))})` : ''}`,
      );
    }
    const frames = Math.max(1, deltas.length);
    console.log(
      `  main thread busy ${((busyMs.TaskDuration / wallMs) * 100).toFixed(0)}% of ${ms(wallMs)} ` +
        `(${ms(busyMs.TaskDuration / frames)} a frame: script ${ms(busyMs.ScriptDuration / frames)}, ` +
        `style ${ms(busyMs.RecalcStyleDuration / frames)}, layout ${ms(busyMs.LayoutDuration / frames)})`,
    );
    console.log(
      `  played from step ${busy.now} to ${after.now} (t = ${busy.timeMs} → ${after.timeMs} ms)` +
        (stoppedAt !== null ? `; the player stopped after ${ms(stoppedAt)}` : '; still playing at the end'),
    );
    if (errors.length) console.log(`  page errors: ${errors.join(' | ')}`);
  } finally {
    if (browser) await browser.close();
    await close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench (browser): ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}
