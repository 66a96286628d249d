// Preloaded into the Deploy CLI (NODE_OPTIONS=--require): sends every fetch aimed at
// https://$AUTH0_SIM_DOMAIN to the emulator's plain-HTTP loopback base $AUTH0_SIM_BASE.
// node-auth0 (used by the Deploy CLI) calls the global fetch for both the token endpoint
// and the Management API, and has no base-URL option the Deploy CLI passes through.
'use strict';
const domain = process.env.AUTH0_SIM_DOMAIN;
const base = (process.env.AUTH0_SIM_BASE || '').replace(/\/+$/, '');
if (domain && base && typeof globalThis.fetch === 'function') {
  const realFetch = globalThis.fetch;
  const prefix = `https://${domain}`;
  globalThis.fetch = function rewritten(input, init) {
    if (typeof input === 'string' && input.startsWith(prefix)) {
      return realFetch(base + input.slice(prefix.length), init);
    }
    if (input instanceof URL && input.href.startsWith(prefix)) {
      return realFetch(base + input.href.slice(prefix.length), init);
    }
    if (input && typeof input === 'object' && typeof input.url === 'string' && input.url.startsWith(prefix)) {
      return realFetch(new Request(base + input.url.slice(prefix.length), input), init);
    }
    return realFetch(input, init);
  };
}
