/**
 * Runs an engine command with its output streamed to the terminal's stderr (BuildKit
 * writes progress there; Podman writes its steps to stdout, which rockts keeps for the
 * image ID), or kept quiet (`echo: false`, for `rockts extension test`'s report), and the
 * tail of both kept for diagnosis. SIGINT and SIGTERM sent to rockts are forwarded to the
 * child, and the run reports that it was interrupted.
 */
import { spawn } from 'node:child_process';

export interface StreamedRun {
  readonly code: number | null;
  readonly interrupted: boolean;
  /** The last part of the output, both streams in arrival order. */
  readonly log: string;
}

const KEEP = 512 * 1024;

export function runStreaming(bin: string, args: readonly string[], env: Readonly<Record<string, string>> = {}, echo = true): Promise<StreamedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let interrupted = false;
    const relay = (chunk: Buffer) => {
      if (echo) process.stderr.write(chunk);
      log = (log + chunk.toString('utf8')).slice(-KEEP);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const forward = (signal: NodeJS.Signals) => {
      interrupted = true;
      child.kill(signal);
    };
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const cleanup = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code) => {
      cleanup();
      resolve({ code, interrupted, log });
    });
  });
}
