// Legible everywhere: a phone (390×844), a laptop (1280×800) and a projector (1920×1080), in
// English and 中文. Measured, not eyeballed: the drawn size of the stage's text, that nothing
// runs off the side of the screen, that controls are big enough to tap, and that the
// presenter's log digits stand out from their cells. Screenshots of each are saved.
import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1280, height: 800 },
  projector: { width: 1920, height: 1080 },
};

const PAGES = [
  ['sandbox', '#kafka-consumer-rebalance@300'],
  ['lesson', '#lesson/kafka-high-availability/3'],
  ['rabbitmq', '#rabbitmq-quorum-failover@120'],
  ['compare', '#compare@40'],
  // Long client names (billing-app-tx, invoices-committed) beside their roles.
  ['transactions', '#kafka-exactly-once@400'],
];

/** Texts of a node card that run outside the card, and texts side by side (in any group of
 * the stage) that run into each other. */
async function cardTextProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const drawn = (g) => [...g.querySelectorAll(':scope > text')]
      .filter((t) => t.textContent.trim() !== '')
      .map((t) => ({ t: t.textContent.trim(), r: t.getBoundingClientRect() }));
    // A node's card, and a queue's or a partition's row on a node: texts stay in the box.
    for (const [group, box, what] of [['g.node', 'rect.card', 'card'], ['g.replica', 'rect.slot', 'row']]) {
      for (const g of document.querySelectorAll(`svg.stage-svg ${group}`)) {
        const rect = g.querySelector(`:scope > ${box}`);
        if (!rect) continue;
        const c = rect.getBoundingClientRect();
        const name = g.getAttribute('data-testid');
        for (const { t, r } of drawn(g)) {
          if (r.left < c.left - 1 || r.right > c.right + 1) out.push(`${name}: "${t}" runs out of its ${what}`);
        }
      }
    }
    for (const g of document.querySelectorAll('svg.stage-svg g')) {
      const texts = drawn(g);
      const name = g.closest('[data-testid]')?.getAttribute('data-testid');
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const [a, b] = [texts[i].r, texts[j].r];
          const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const sameLine = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 3;
          if (sameLine && overlap > 1) out.push(`${name}: "${texts[i].t}" overlaps "${texts[j].t}"`);
        }
      }
    }
    return out;
  });
}

/** Drawn sizes (CSS px) of every text of each stage on the page, smallest first. */
async function stageTextSizes(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=stage]')].map((stage) =>
      [...stage.querySelectorAll('svg.stage-svg text')]
        .filter((t) => t.textContent.trim() !== '' && t.getBoundingClientRect().width > 0)
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)
        .sort((a, b) => a - b)));
}

/** Elements whose box runs past the right edge of the viewport (none clipped by a parent). */
async function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o !== 'visible') return p.getBoundingClientRect().right <= width + 1;
      }
      return false;
    };
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('svg.stage-svg')) continue;
      if (r.right > width + 1 && !clipped(el)) {
        out.push(`${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className} right=${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
  });
}

/** Tab labels broken inside a word: a line of the label that ends or starts mid-word
 * ("事件日" / "志"). Labels may wrap between words ("Find a" / "failure"). */
async function wordsBrokenInTabs(page) {
  return page.evaluate(() => {
    const out = [];
    for (const tab of document.querySelectorAll('.tabs [role="tab"]')) {
      const text = tab.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      const words = text.textContent.split(' ');
      let at = 0;
      for (const word of words) {
        const range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + word.length);
        // One word, one line: its boxes all share a top.
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(`"${word}" in the tab "${text.textContent}" is split over lines`);
        at += word.length + 1;
      }
    }
    return out;
  });
}

for (const [view, size] of Object.entries(VIEWPORTS)) {
  for (const lang of ['en', 'zh']) {
    for (const [name, hash] of PAGES) {
      test(`${view} ${lang} ${name}: stage text large enough, nothing off the side`, async ({ page }) => {
        await page.setViewportSize(size);
        const errors = await open(page, { lang, hash });
        await page.waitForTimeout(300); // the stage measures its width, then lays out for it
        const sizes = await stageTextSizes(page);
        expect(sizes.length).toBeGreaterThan(0);
        // A compare side may be smaller (two stages share the width), never under 10 px.
        const least = name === 'compare' ? 10 : 12;
        for (const side of sizes) {
          expect(side.length).toBeGreaterThan(10);
          expect(side[0], `smallest stage text on ${name}`).toBeGreaterThanOrEqual(least);
        }
        expect(await cardTextProblems(page)).toEqual([]);
        expect(await wordsBrokenInTabs(page)).toEqual([]);
        const o = await overflowing(page);
        expect(o.scroll, o.out.join('\n')).toBeLessThanOrEqual(o.width);
        expect(o.out).toEqual([]);
        await page.screenshot({ path: `screenshots/legible-${view}-${lang}-${name}.png` });
        expect(errors).toEqual([]);
      });
    }
  }
}

test('home page at every size, both languages: nothing off the side', async ({ page }) => {
  for (const [view, size] of Object.entries(VIEWPORTS)) {
    for (const lang of ['en', 'zh']) {
      await page.setViewportSize(size);
      await page.addInitScript((l) => localStorage.setItem('mqlab.lang', JSON.stringify(l)), lang);
      await page.goto('index.html');
      await expect(page.getByTestId('lesson-map')).toBeVisible();
      const o = await overflowing(page);
      expect(o.out, `${view} ${lang}`).toEqual([]);
      // The brand stays on one line.
      const brand = await page.locator('.brand h1').boundingBox();
      expect(brand.height).toBeLessThan(40);
      await page.screenshot({ path: `screenshots/legible-${view}-${lang}-home.png` });
    }
  }
});

test('phone: a lesson is one column, text first, and a "your turn" step is done by tapping the node', async ({ browser }) => {
  const context = await browser.newContext({ viewport: VIEWPORTS.phone, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = await open(page, { hash: '#lesson/kafka-high-availability/3' });
  const panel = page.getByTestId('lesson-panel');
  const stage = page.getByTestId('stage');
  const player = page.locator('.player-bar');
  // Text, then the stage, then the player; each as wide as the screen allows.
  const [p, s, b] = [await panel.boundingBox(), await stage.boundingBox(), await player.boundingBox()];
  expect(p.y).toBeLessThan(s.y);
  expect(s.y).toBeLessThan(b.y);
  for (const box of [p, s, b]) {
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.width).toBeGreaterThan(340);
  }
  // The controls a learner taps are at least 44 px tall.
  for (const id of ['player-play', 'player-forward', 'player-back', 'lesson-next', 'lesson-back', 'lesson-show-me']) {
    const box = await page.getByTestId(id).first().boundingBox();
    expect(box, id).not.toBeNull();
    expect(box.height, id).toBeGreaterThanOrEqual(44);
    expect(box.width, id).toBeGreaterThanOrEqual(44);
  }
  const next = panel.getByTestId('lesson-next');
  await expect(next).toBeVisible();
  await expect(next).toBeDisabled();

  // Tap the leader's card; the menu opens as a sheet inside the screen; tap kill -9.
  await page.getByTestId('broker-1').tap();
  const menu = page.getByTestId('node-menu');
  await expect(menu).toBeVisible();
  const m = await menu.boundingBox();
  expect(m.x).toBeGreaterThanOrEqual(0);
  expect(m.x + m.width).toBeLessThanOrEqual(390);
  expect(m.y + m.height).toBeLessThanOrEqual(844);
  const kill = page.getByTestId('menu-kill');
  expect((await kill.boundingBox()).height).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: 'screenshots/legible-phone-menu.png' });
  await kill.tap();
  await expect(page.getByTestId('broker-1')).toHaveAttribute('data-status', 'crashed');
  // Play on until the step sees it done; then Next is on screen and takes the tap.
  await page.getByTestId('player-play').tap();
  await expect(next).toBeEnabled({ timeout: 30_000 });
  await next.scrollIntoViewIfNeeded();
  await next.tap();
  await expect(panel.getByTestId('lesson-step-of')).toHaveText('Step 4 of 6');
  await page.screenshot({ path: 'screenshots/legible-phone-lesson-next.png' });
  expect(errors).toEqual([]);
  await context.close();
});

/** WCAG contrast ratio of two CSS colours `rgb(r, g, b)`. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('projector: presenter mode draws the stage at 20 px or more and its log digits at 4.5:1', async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.projector);
  const errors = await open(page, { hash: '#kafka-leader-kill@200' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.getByTestId('presenter-bar')).toBeVisible();
  await page.waitForTimeout(300);
  const [sizes] = await stageTextSizes(page);
  expect(sizes[0]).toBeGreaterThanOrEqual(20);
  // Every log cell's digit against its own cell's fill.
  const pairs = await page.evaluate(() =>
    [...document.querySelectorAll('.cell')].map((cell) => [
      getComputedStyle(cell.querySelector('.cell-label')).fill,
      getComputedStyle(cell.querySelector('rect')).fill,
    ]));
  expect(pairs.length).toBeGreaterThan(10);
  for (const [digit, fill] of pairs) {
    expect(contrast(digit, fill), `${digit} on ${fill}`).toBeGreaterThanOrEqual(4.5);
  }
  // What the room reads besides the stage is presenter-sized too.
  for (const sel of ['[data-testid=step-counter]', '.stage-strip', '.timeline-legend']) {
    const px = await page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize), sel);
    expect(px, sel).toBeGreaterThanOrEqual(20);
  }
  // The picture grows into the screen's height: the page fills most of it and does not scroll.
  const fill = await page.evaluate(() => ({
    bottom: document.querySelector('[data-testid=presenter-bar]').getBoundingClientRect().bottom,
    scroll: document.documentElement.scrollHeight,
  }));
  expect(fill.scroll).toBeLessThanOrEqual(1080);
  expect(fill.bottom).toBeGreaterThan(1080 * 0.9);
  await page.screenshot({ path: 'screenshots/legible-projector-presenter.png' });
  expect(errors).toEqual([]);
});

test('the player stays put while the stage fills', async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.laptop);
  await open(page, { hash: '#kafka-consumer-rebalance' });
  await page.waitForTimeout(300);
  const at = async () => (await page.locator('.player-bar').boundingBox()).y;
  await page.keyboard.press('End');
  const end = await at();
  await page.keyboard.press('Home');
  expect(await at()).toBe(end);
});

for (const [lang, text] of [['en', 'Loading'], ['zh', '正在加载']]) {
  test(`before the wasm runs, a loading line in ${lang}`, async ({ page }) => {
    await page.addInitScript((l) => localStorage.setItem('mqlab.lang', JSON.stringify(l)), lang);
    // Hold the wasm back: what shows is index.html alone.
    await page.route('**/*.wasm', () => {});
    await page.goto('index.html', { waitUntil: 'domcontentloaded' });
    await expect(page.locator('#boot')).toBeVisible();
    await expect(page.locator('#boot-line')).toContainText(text);
    const size = await page.locator('#boot-line').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size).toBeGreaterThanOrEqual(14);
  });
}

test('once the app runs, the loading line is gone', async ({ page }) => {
  await open(page, { hash: '#sandbox' });
  await expect(page.locator('#boot')).toHaveCount(0);
});

test('"Find a failure" at every size, both languages: nothing off the side, controls tappable', async ({ browser }) => {
  for (const [view, size] of Object.entries(VIEWPORTS)) {
    for (const lang of ['en', 'zh']) {
      // A fresh page each time: the language is read when the app starts.
      const context = await browser.newContext({ viewport: size });
      const page = await context.newPage();
      const errors = await open(page, { lang, hash: '#kafka-acks1-leader-dies' });
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('explore-start').click();
      await expect(page.getByTestId('explore-found')).toBeVisible({ timeout: 60_000 });
      await expect(page.getByTestId('explore-found')).toContainText(lang === 'zh' ? '找到' : 'Found');
      const o = await overflowing(page);
      expect(o.out, `${view} ${lang}`).toEqual([]);
      for (const id of ['explore-property', 'explore-faults-max', 'explore-open', 'tab-explore']) {
        const box = await page.getByTestId(id).boundingBox();
        expect(box.height, `${view} ${lang} ${id}`).toBeGreaterThanOrEqual(view === 'phone' ? 44 : 24);
      }
      await page.getByTestId('explore-panel').screenshot({ path: `screenshots/legible-${view}-${lang}-explore.png` });
      expect(errors).toEqual([]);
      await context.close();
    }
  }
});
