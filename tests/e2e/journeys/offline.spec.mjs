// After one visit the playground works with no network: the service worker (static/sw.js)
// has cached the page, every file it names and the playground's module, which a visit to the
// home page alone never starts.
import { test, expect } from '@playwright/test';
import { open, prepare } from './helpers.mjs';

test('after one visit, the lessons and the sandbox work offline', async ({ page, context }) => {
  const errors = await open(page, { hash: '#sandbox' });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('stage')).toBeVisible();
  await expect(page.locator('[data-testid^="broker-"]').first()).toBeVisible();
  await page.getByTestId('player-forward').click();
  await expect(page.getByTestId('step-counter')).toContainText('step 1 /');

  await page.getByTestId('nav-lessons').click();
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  await page.getByTestId('lesson-card-kafka-high-availability').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await page.screenshot({ path: 'screenshots/offline-lesson.png' });
  await context.setOffline(false);
  expect(errors).toEqual([]);
});

test('after one visit to the home page alone, a lesson opens offline', async ({ page, context }) => {
  const errors = await prepare(page);
  await page.goto('index.html');
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  // The worker has cached the playground's module and wasm, which this visit never started.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  await page.getByTestId('lesson-card-rabbitmq-single-node').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await expect(page.getByTestId('stage')).toBeVisible();
  await context.setOffline(false);
  expect(errors).toEqual([]);
});
