/**
 * Ctrl-C (SIGINT) or SIGTERM while rockts writes something would end the process at once
 * and leave a half-written temporary file or folder behind. Work that must clean up runs
 * inside catchSignals: a signal is noted instead, and the work stops at its next check.
 */
import { RocktsError } from '../core/errors.js';

export interface Interruption {
  /** Throws an INTERRUPTED error with `message` when a signal came. */
  check(message: string): void;
}

/** Runs `work` with SIGINT and SIGTERM caught; `onSignal` runs as soon as one comes. */
export async function catchSignals<T>(work: (interruption: Interruption) => Promise<T>, onSignal: () => void = () => {}): Promise<T> {
  let caught = false;
  const handler = () => {
    caught = true;
    onSignal();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await work({
      check(message) {
        if (caught) throw new RocktsError('INTERRUPTED', message);
      },
    });
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
