// Nyx's HTTP API, as every other client calls it: JSON bodies declared as such, the key as a
// Bearer token. The key is kept in sessionStorage (this tab, until it closes), never elsewhere.

const KEY = 'nyx.apiKey';

export function getKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** An answer other than 2xx, with Nyx's error message and what it means for the person. */
export class ApiError extends Error {
  constructor(status, serverMessage, retryAfter, param) {
    super(explain(status, serverMessage, retryAfter));
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfter = retryAfter;
    this.param = param;
  }
}

/** The message a person sees for a status: what happened and what to do, then Nyx's words. */
export function explain(status, serverMessage, retryAfter) {
  const said = serverMessage ? ` Nyx says: ${serverMessage}` : '';
  const wait = retryAfter ? ` Try again in ${retryAfter} s.` : ' Try again shortly.';
  switch (status) {
    case 0:
      return `Nyx cannot be reached: is the server running?${said}`;
    case 401:
      return `No API key, or the key was not accepted: enter a valid key above.${said}`;
    case 403:
      return `This key may not do that: it needs the admin scope (or another scope) for this.${said}`;
    case 429:
      return `Too many requests for this key: it is rate limited.${wait}${said}`;
    case 502:
      return `The model server answered with something Nyx could not use.${said}`;
    case 503:
      return `${unavailable(serverMessage)}, so Nyx cannot answer now (Health shows what is down).${wait}${said}`;
    default:
      return serverMessage ? `${serverMessage} (HTTP ${status})` : `HTTP ${status}`;
  }
}

function unavailable(message = '') {
  if (/database|PostgreSQL/i.test(message)) return 'The database is down';
  if (/model|backend|vLLM|queue/i.test(message)) return 'The model server is down or overloaded';
  return 'Nyx is overloaded, or something it needs is down';
}

function headers(body) {
  const h = {};
  const key = getKey();
  if (key) h.Authorization = `Bearer ${key}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return h;
}

async function fail(res) {
  let message = '';
  let param = null;
  try {
    const body = await res.json();
    message = body?.error?.message || '';
    param = body?.error?.param || null;
  } catch {
    message = res.statusText;
  }
  const retry = res.headers.get('Retry-After');
  return new ApiError(res.status, message, retry ? Number(retry) : null, param);
}

async function send(method, path, body, extra) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { ...headers(body), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, e.message, null, null);
  }
  if (!res.ok) throw await fail(res);
  return res;
}

/** A JSON call: the parsed body, or an ApiError. */
export async function call(method, path, body) {
  const res = await send(method, path, body);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** Plain text (GET /metrics). */
export async function text(path) {
  return (await send('GET', path)).text();
}

/**
 * A streamed chat completion: `onStart(queryId, specialist)` once the headers arrive,
 * `onDelta(text)` for each piece of content, then the query id. An error event mid-stream (the
 * model server failed after the first byte) is thrown as an ApiError.
 */
export async function streamChat(body, onStart, onDelta) {
  const res = await send('POST', '/v1/chat/completions', { ...body, stream: true });
  const queryId = res.headers.get('X-Nyx-Query-Id');
  onStart(queryId, res.headers.get('X-Nyx-Specialist'));
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') return queryId;
        const chunk = JSON.parse(data);
        if (chunk.error) {
          throw new ApiError(chunk.error.code || 502, chunk.error.message, null, null);
        }
        const piece = chunk.choices?.[0]?.delta?.content;
        if (piece) onDelta(piece);
      }
    }
  }
  return queryId;
}

/** A GET whose error statuses are answers too (GET /ready is 503 when something is down). */
export async function probe(path) {
  let res;
  try {
    res = await fetch(path, { headers: headers(), credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, e.message, null, null);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return { status: res.status, body };
}
