// Browser figures for scripts/bench.sh, in Debian's headless Chromium: prints, judges nothing.
//   1. time to interactive, over fresh page loads: the home page (index.html) until the lesson
//      map's cards are visible, and the sandbox (index.html#sandbox) until the stage is visible
//      and the player's play and step-forward buttons are enabled;
//   2. animation frame time while playing with ~200 envelopes in flight (a scenario carried
//      in the address as `#doc=<encodeURIComponent(JSON)>`, see web/src/share.rs).
// Usage: node tests/e2e/bench.mjs [DIST]   (DIST defaults to ../../dist; LOADS=5, SAMPLE_MS=3000)
// Exits non-zero only when it cannot run (no dist, no browser, the page never comes up).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { launchOptions } from './chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] || path.join(here, '../../dist'));
const LOADS = Number(process.env.LOADS || 5);
const SAMPLE_MS = Number(process.env.SAMPLE_MS || 3000);

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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function serve() {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dist, String(port)], {
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}index.html`);
      if (r.ok) return { base, child };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`the static server on port ${port} did not come up`);
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
  const { base, child } = await serve();
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
    child.kill();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`bench (browser): ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}
