/**
 * Waits (polling every `everyMs`, 50 by default) until `what()` holds, or fails naming `label`
 * after `ms`. `what` may be async (a page evaluation).
 */
export async function until(what: () => boolean | Promise<boolean>, ms: number, label: string, everyMs = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
