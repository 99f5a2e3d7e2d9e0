// The first load carries only the lesson map's cards: a lesson's file is fetched when the
// learner opens it, and a file that cannot be had is said in words, then tried again.
import { test, expect } from '@playwright/test';

// Requests the page makes itself, not answered from the service worker's cache.
test.use({ serviceWorkers: 'block' });

async function home(page, lang) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript((l) => localStorage.setItem('mqlab.lang', JSON.stringify(l)), lang);
  await page.goto('index.html#');
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  return errors;
}

test('the lesson map loads no lesson file; opening a lesson fetches just its own', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => {
    const m = r.url().match(/\/lessons\/([^/]+)\.json$/);
    if (m) fetched.push(m[1]);
  });
  const errors = await home(page, 'en');
  await expect(page.locator('[data-testid^="lesson-card-"]')).toHaveCount(18);
  expect(fetched).toEqual([]);

  await page.getByTestId('lesson-card-kafka-exactly-once').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await expect(page.getByTestId('lesson-step')).toHaveAttribute('data-kind', /.+/);
  expect(fetched).toEqual(['kafka-exactly-once']);
  await expect(page).toHaveURL(/#lesson\/kafka-exactly-once/);

  // Back and in again: the file is kept for the visit, not fetched twice.
  await page.getByTestId('nav-lessons').click();
  await page.getByTestId('lesson-card-kafka-exactly-once').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  expect(fetched).toEqual(['kafka-exactly-once']);
  expect(errors).toEqual([]);
});

for (const [lang, said] of [
  ['en', 'could not be loaded'],
  ['zh', '加载失败'],
]) {
  test(`a lesson file that cannot be fetched is said in words (${lang}), and opening it again works`, async ({ page }) => {
    const errors = await home(page, lang);
    await page.route('**/lessons/kafka-ordering.json', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('lesson-card-kafka-ordering').click();
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText(said);
    await expect(notice).toContainText('kafka-ordering');
    await expect(page.getByTestId('lesson-map')).toBeVisible();
    await page.screenshot({ path: `screenshots/lesson-file-failed-${lang}.png` });

    await page.unroute('**/lessons/kafka-ordering.json');
    await page.getByTestId('lesson-card-kafka-ordering').click();
    await expect(page.getByTestId('lesson-panel')).toBeVisible();
    await expect(page.getByTestId('notice')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}
