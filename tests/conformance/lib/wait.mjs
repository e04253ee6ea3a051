// Waiting on a condition with a deadline (never a fixed sleep).

/**
 * Polls `check` (sync or async) until it returns a truthy value, which is returned; throws when
 * `timeoutMs` passes first. `what` names the condition in the error.
 */
export async function waitUntil(check, { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
