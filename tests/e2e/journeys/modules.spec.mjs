// The page starts one of two modules (web/index.html): the home page's own small one when the
// address names no page, the playground's for any other page. Following a link from the home
// page hands over to the playground, which keeps the language and answers the same keys.
import { test, expect } from '@playwright/test';
import { prepare } from './helpers.mjs';

// The service worker fetches the playground to cache it: not what these journeys count.
test.use({ serviceWorkers: 'block' });

/** Opens `hash` with a clean slate in `lang`; records page errors and the module files fetched. */
async function start(page, { lang = 'en', hash = '' } = {}) {
  const errors = await prepare(page, lang);
  const fetched = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop();
    if (/^mqlab-(home|web)/.test(name)) fetched.push(name.startsWith('mqlab-home') ? 'home' : 'playground');
  });
  await page.goto(`index.html${hash}`);
  return { errors, fetched };
}

test('the home page loads only its own module; a lesson card hands over to the playground', async ({ page }) => {
  const { errors, fetched } = await start(page);
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  await expect(page.locator('[data-testid^="lesson-card-"]').first()).toBeVisible();
  await expect(page.getByTestId('nav-lessons')).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('#boot')).toHaveCount(0);
  expect(new Set(fetched)).toEqual(new Set(['home']));

  // The home page's keys: ? opens the shortcuts, Escape closes them.
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);

  await page.getByTestId('lesson-card-kafka-high-availability').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await expect(page.getByTestId('stage')).toBeVisible();
  expect(fetched).toContain('playground');
  // One page: the home page's module has gone with its drawing and its loading line.
  await expect(page.locator('.app')).toHaveCount(1);
  await expect(page.locator('#home-root')).toHaveCount(0);
  await expect(page.locator('#boot')).toHaveCount(0);

  // The playground draws the lesson map itself from now on.
  await page.getByTestId('nav-lessons').click();
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  await expect(page.locator('.app')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('a link into the playground loads nothing of the home page', async ({ page }) => {
  const { errors, fetched } = await start(page, { hash: '#sandbox' });
  await expect(page.getByTestId('stage')).toBeVisible();
  await expect(page.getByTestId('player-forward')).toBeEnabled();
  expect(new Set(fetched)).toEqual(new Set(['playground']));
  expect(errors).toEqual([]);
});

test('the language chosen on the home page is the playground’s, and the header is the same', async ({ page }) => {
  const { errors } = await start(page, { lang: 'en' });
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  const homeHeader = await page.locator('header').innerHTML();
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('header')).toContainText('一步一步');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByTestId('nav-sandbox').click();
  await expect(page.getByTestId('stage')).toBeVisible();
  await expect(page.getByTestId('tab-ledger')).toHaveText('账本');
  // Back on the lesson map, the playground's header is the home page's, markup for markup.
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('nav-lessons').click();
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  expect(await page.locator('header').innerHTML()).toEqual(homeHeader);
  expect(errors).toEqual([]);
});

for (const [lang, said, again] of [
  ['en', 'The playground could not be loaded', 'Reload'],
  ['zh', '演练场未能加载', '重新加载'],
]) {
  test(`a playground that cannot be fetched is said, in ${lang}, with a way to try again`, async ({ page }) => {
    await start(page, { lang, hash: '' });
    await expect(page.getByTestId('lesson-map')).toBeVisible();
    await page.route('**/mqlab-web_bg.wasm', (route) => route.abort());
    await page.getByTestId('open-sandbox').click();
    await expect(page.getByRole('alert')).toContainText(said);
    const reload = page.getByRole('button', { name: again });
    await expect(reload).toBeVisible();
    expect((await reload.boundingBox()).height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: `screenshots/playground-unreachable-${lang}.png` });
    // Once the connection is back, the button opens the page the link named.
    await page.unroute('**/mqlab-web_bg.wasm');
    await reload.click();
    await expect(page.getByTestId('stage')).toBeVisible();
    await expect(page.getByTestId('nav-sandbox')).toHaveAttribute('aria-current', 'page');
  });
}

// The playground's 1.3 MB at 250 KB/s, the home page's 260 KB at 60 KB/s: seconds of
// waiting, as on a classroom's Wi-Fi.
for (const [lang, amount, hash, ready, minBytes, throughput] of [
  ['en', /^[\d,]+ KB of [\d,]+ KB loaded$/, '#sandbox', 'player-forward', 1_000_000, 250_000],
  ['zh', /^已加载 [\d,]+ KB，共 [\d,]+ KB$/, '#sandbox', 'player-forward', 1_000_000, 250_000],
  ['en', /^[\d,]+ KB of [\d,]+ KB loaded$/, '', 'lesson-map', 200_000, 60_000],
]) {
  const what = hash === '' ? 'the home page' : 'a link into the playground';
  test(`on a slow link, ${what} shows how much has arrived, in ${lang}`, async ({ page, context }) => {
    const errors = await prepare(page, lang);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 40, downloadThroughput: throughput, uploadThroughput: throughput,
    });
    await page.goto(`index.html${hash}`, { waitUntil: 'domcontentloaded' });
    const bar = page.locator('#boot-progress');
    await expect(bar).toBeVisible();
    await expect(page.locator('#boot-amount')).toHaveText(amount);
    const reading = () => bar.evaluate((b) => ({ value: b.value, max: b.max }));
    const first = await reading();
    // The total is the wasm's size (python's server sends it uncompressed, with its length).
    expect(first.max).toBeGreaterThan(minBytes);
    await expect.poll(async () => (await reading()).value).toBeGreaterThan(first.value);
    const fontPx = await page.locator('#boot-amount').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(14);
    await page.screenshot({ path: `screenshots/${hash ? 'playground' : 'home'}-arriving-${lang}.png` });
    // Then the page, and the loading screen is gone with its bar.
    await expect(page.getByTestId(ready)).toBeVisible({ timeout: 30_000 });
    if (hash) await expect(page.getByTestId(ready)).toBeEnabled();
    await expect(page.locator('#boot')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}
