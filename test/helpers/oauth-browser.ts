/**
 * The test's stand-in for a user's browser in an OAuth login: follows redirects by hand with a
 * cookie jar (the authorization server keeps its interaction state in cookies) until the redirect
 * reaches the client's callback, then loads that page as the browser would.
 */
export async function followAuthorization(authorizationUrl: string, callbackPrefix: string): Promise<{ status: number; text: string }> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(callbackPrefix)) {
      const res = await fetch(url);
      return { status: res.status, text: await res.text() };
    }
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(';')[0]!;
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the authorization server stopped at ${url} with ${res.status}: ${(await res.text()).slice(0, 300)}`);
    await res.body?.cancel();
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects before the callback');
}
