// Export and import from the Share tab: the scenario as JSON (and back), the trace as a
// Mermaid diagram, the stage as an SVG; a bad file is refused with the field and the reason.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { open } from './helpers.mjs';

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

test('the Share tab links to this moment, exports JSON, Mermaid and SVG, and loads a scenario back', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-leader-kill@200' });
  await page.getByTestId('tab-share').click();
  await expect(page.getByTestId('share-link')).toHaveValue(/#kafka-leader-kill@200$/);

  const json = await download(page, 'export-json');
  expect(json.name).toBe('mqlab-scenario.json');
  const doc = JSON.parse(json.text);
  expect(doc.id).toBe('kafka-leader-kill');

  const mermaid = await download(page, 'export-mermaid');
  expect(mermaid.text.startsWith('sequenceDiagram\n')).toBe(true);
  expect(mermaid.text).toContain('participant n1 as broker-1');
  expect(mermaid.text).toContain('kill -9 broker-1');

  const svg = await download(page, 'export-svg');
  expect(svg.name).toBe('mqlab-stage.svg');
  expect(svg.text.startsWith('<svg')).toBe(true);
  expect(svg.text).toContain('<style');
  expect(svg.text).toContain('broker-2');

  // Loaded back changed: another title, acks=1.
  doc.title = { en: 'My own failover', zh: '我自己的故障转移' };
  doc.producers[0].acks = '1';
  doc.producers[0].enable_idempotence = false;
  await page.getByTestId('import-file').setInputFiles({
    name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)),
  });
  await expect(page.locator('.scenario-intro h2')).toContainText('My own failover');
  await expect(page.getByTestId('producer-100')).toContainText('acks=1');
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');

  // A bad file: the field and the reason, and the stage as it was.
  doc.kafka.topics[0].replication_factor = 7;
  await page.getByTestId('import-file').setInputFiles({
    name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)),
  });
  await expect(page.getByTestId('import-error')).toContainText('kafka.topics[0].replication_factor');
  await expect(page.locator('.scenario-intro h2')).toContainText('My own failover');
  await page.screenshot({ path: 'screenshots/share-tab.png' });
  expect(errors).toEqual([]);
});
