// Shared steps of the journeys: open the site, read a number, fail on any page error.
import { expect } from '@playwright/test';

/**
 * Sets the page up for a journey: a clean slate in `lang` (set once, so a reload keeps what
 * the journey chose) and its errors recorded, returned. Then the journey goes to a page.
 */
export async function prepare(page, lang = 'en') {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.addInitScript((l) => {
    if (!sessionStorage.getItem('mqlab-e2e-init')) {
      sessionStorage.setItem('mqlab-e2e-init', '1');
      localStorage.setItem('mqlab.lang', JSON.stringify(l));
    }
  }, lang);
  return errors;
}

/** Opens the site in English with a clean slate on a stage page, and records page errors. */
export async function open(page, { lang = 'en', hash = '#sandbox' } = {}) {
  const errors = await prepare(page, lang);
  await page.goto(`index.html${hash}`);
  await expect(page.getByTestId('stage').first()).toBeVisible();
  return errors;
}

export async function count(page, testid) {
  return Number(await page.getByTestId(testid).textContent());
}

export async function step(page) {
  const text = await page.getByTestId('step-counter').textContent();
  const [, now, total] = text.match(/(\d+)\s*\/\s*(\d+)/);
  return { now: Number(now), total: Number(total) };
}

/** The brokers that lead `partition` per the controller, by their data-leader-of lists. */
export async function leadersOf(page, partition) {
  return page.evaluate((p) => {
    return [...document.querySelectorAll('[data-testid^="broker-"]')]
      .filter((b) => (b.getAttribute('data-leader-of') || '').split(' ').includes(p))
      .map((b) => b.getAttribute('data-testid'));
  }, partition);
}
