import { describe, expect, it } from 'vitest';
import { listenForCallback } from '../../src/cli/loopback-callback.js';

describe('listenForCallback', () => {
  it('listens on 127.0.0.1 at /callback and hands over the code and issuer of the matching state', async () => {
    const cb = await listenForCallback('st-1');
    try {
      expect(cb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      expect((await fetch(cb.url.replace('/callback', '/other'))).status).toBe(404);
      const page = await fetch(`${cb.url}?code=c-9&state=st-1&iss=${encodeURIComponent('https://as.example')}`);
      expect([page.status, await page.text()]).toEqual([200, 'Logged in. You can close this tab and return to the terminal.\n']);
      expect(await cb.result).toEqual({ code: 'c-9', iss: 'https://as.example' });
      expect((await fetch(`${cb.url}?code=again&state=st-1`)).status).toBe(409);
    } finally {
      await cb.close();
    }
  });

  it('refuses a response without this login\'s state, and reports an authorization error', async () => {
    const forged = await listenForCallback('mine');
    const denied = await listenForCallback('mine');
    try {
      const forgedResult = forged.result.catch((e: Error) => e.message);
      expect((await fetch(`${forged.url}?code=stolen&state=theirs`)).status).toBe(400);
      expect(await forgedResult).toBe('the authorization response did not carry this login\'s state');
      const deniedResult = denied.result.catch((e: Error) => e.message);
      await fetch(`${denied.url}?error=access_denied&error_description=user+said+no&state=mine`);
      expect(await deniedResult).toBe('the authorization server answered access_denied: user said no');
    } finally {
      await forged.close();
      await denied.close();
    }
  });
});
