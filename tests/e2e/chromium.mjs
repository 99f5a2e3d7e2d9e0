// Debian's Chromium and the flags it needs on these machines (root, no GPU, a network that
// refuses everything but loopback): shared by the journeys and the browser benchmark.
export const launchOptions = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
