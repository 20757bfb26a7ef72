// api.js: the two HTTP calls the page makes, both to its own server.

import { readWire } from './wire.js';

/** Error for a request the server refused or could not answer (no trace to show). */
export class ApiError extends Error {}

/** A 422's validation errors as sentences ('inputs.y: ragged list ...'), or null. */
function problems(detail) {
  if (!Array.isArray(detail) || !detail.every((d) => typeof d?.msg === 'string')) return null;
  return detail.map((d) => d.msg.replace(/^Value error, /, '')).join('; ');
}

async function readJson(resp) {
  if (resp.ok) return resp.json();
  let detail = '';
  try {
    const body = await resp.json();
    detail = typeof body.detail === 'string' ? body.detail : problems(body.detail) ?? JSON.stringify(body.detail ?? body);
  } catch {
    detail = resp.statusText;
  }
  const retry = resp.headers.get('Retry-After');
  const extra = retry ? ` Try again in ${retry} s.` : '';
  throw new ApiError(`The server answered ${resp.status}: ${detail}.${extra}`);
}

/**
 * POST a program (`request` is its text, or {code}) or an expression ({expression, inputs});
 * resolves with the trace in the long form (also for programs that failed).
 */
export async function fetchTrace(url, request, options = {}) {
  const what = typeof request === 'string' ? { code: request } : request;
  let resp;
  try {
    resp = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...what, options }),
    });
  } catch (err) {
    throw new ApiError(`Could not reach the server: ${err.message}`);
  }
  const body = await readJson(resp);
  performance.mark('gt.json');
  return readWire(body); // the wire form rides along for Export HTML
}

/** GET the example gallery: [{id, title, topic, explanation, code, expression?, inputs?}]. */
export async function fetchExamples(url) {
  const body = await readJson(await fetch(url));
  return body.examples ?? [];
}
