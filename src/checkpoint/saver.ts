import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IoError, OptionError } from '../errors.js';
import { writeDirAtomic } from './atomic-dir.js';
import { DivergenceError } from '../training/trainer.js';
import { saveSession, snapshotSession, type Session } from './session.js';

/**
 * A new run's checkpoint folder must be new or empty (a checkpoint replaces its folder as a
 * whole, so an existing file or a folder of other files would be deleted); its parent (e.g.
 * runs/) is created now, so a path that cannot be written fails before training, not after.
 */
export function prepareNewCheckpointDir(out: string): void {
  if (existsSync(join(out, 'config.json')) || existsSync(join(`${out}.old`, 'config.json'))) {
    throw new OptionError(`${out} already holds a checkpoint; pass --resume to continue it, or choose another --out`);
  }
  let isDir = false;
  let exists = true;
  try {
    isDir = statSync(out).isDirectory();
  } catch {
    exists = false; // not there yet: created by the first checkpoint
  }
  if (exists && !isDir) throw new OptionError(`--out ${out} is a file; a checkpoint is a folder that would replace it, so choose another --out`);
  if (exists && readdirSync(out).length > 0) {
    throw new OptionError(`--out ${out} is a folder with other files in it; a checkpoint replaces its folder as a whole, so choose a new or empty one`);
  }
  try {
    mkdirSync(dirname(resolve(out)), { recursive: true });
  } catch (e) {
    throw checkpointWriteError(out, e);
  }
}

/**
 * Saves a session as a checkpoint in `dir` at each of its trainer's 'checkpoint' events
 * (after an evaluation, at the end, when stopped), atomically and in order. Each is
 * snapshotted at once (the trainer goes on changing the weights) and written in the
 * background; a failed write stops training (a run without checkpoints would be lost) and is
 * thrown by `throwIfFailed`.
 *
 * @example
 * const saver = new CheckpointSaver(out, session);
 * try { await session.trainer.run(); } catch (e) { await saver.idle(); throw saver.explain(e); }
 * await saver.idle();
 * saver.throwIfFailed();
 * await saver.saveFinal(session.task.evaluate());
 */
export class CheckpointSaver {
  private saving: Promise<void> = Promise.resolve();
  private error: unknown = null;

  constructor(
    readonly dir: string,
    private readonly session: Session,
  ) {
    session.trainer.on('checkpoint', () => {
      // Serialised now (the trainer goes on); written after the writes before it, which
      // report its failure (the no-op handler only keeps it from counting as unhandled meanwhile).
      const files = snapshotSession(session);
      files.catch(() => {});
      this.saving = this.saving.then(() => files).then((f) => writeDirAtomic(dir, f)).catch((e: unknown) => {
        this.error ??= e;
        session.trainer.stop();
      });
    });
  }

  /** Waits for the writes under way (a failure is kept for `throwIfFailed`). */
  async idle(): Promise<void> {
    await this.saving;
  }

  /** Throws an IoError naming the folder and why, if a checkpoint could not be written. */
  throwIfFailed(): void {
    if (this.error !== null) throw checkpointWriteError(this.dir, this.error);
  }

  /** Writes the finished run with its test metrics. */
  async saveFinal(metrics: Record<string, unknown>): Promise<void> {
    await saveSession(this.dir, this.session, metrics).catch((e: unknown) => {
      throw checkpointWriteError(this.dir, e);
    });
  }

  /** A training error as the user should read it: a divergence says whether any checkpoint survives. */
  explain(err: unknown): unknown {
    if (err instanceof DivergenceError && !existsSync(join(this.dir, 'config.json'))) {
      return new DivergenceError(err.message.replace('the last good checkpoint is kept', 'no checkpoint had been saved yet'));
    }
    return err;
  }
}

function checkpointWriteError(out: string, e: unknown): IoError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of the path is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOSPC' ? 'the disk is full' : code === 'ENOENT' ? 'its folder does not exist' : (e as Error).message;
  return new IoError(`${out}: cannot write the checkpoint (${why}); choose another --out`);
}
