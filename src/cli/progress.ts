import cliProgress from 'cli-progress';
import type { StepEvent, Trainer } from '../training/trainer.js';

/** Human-readable "1m 05s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Shows a trainer's progress: a bar with step, epoch, loss, validation metric, speed and
 * ETA on a terminal, or one JSON object per line with --json. Holds no numeric code.
 */
export function attachProgress(trainer: Trainer, options: { json: boolean; quiet?: boolean; stream?: NodeJS.WriteStream }): () => void {
  const stream = options.stream ?? process.stderr;
  let val = '';
  let speed = 0;
  if (options.json) {
    trainer.on('step', (e) => console.log(JSON.stringify({ event: 'step', ...round(e) })));
    trainer.on('epoch', (e) => console.log(JSON.stringify({ event: 'epoch', ...e })));
    trainer.on('evaluation', (e) => console.log(JSON.stringify({ event: 'evaluation', step: e.step, epoch: e.epoch, improved: e.improved, ...e.validation.metrics })));
    return () => {};
  }
  if (options.quiet) return () => {};
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {percentage}% | step {step} | epoch {epoch} | loss {loss} | {val} | {speed} timesteps/s | ETA {eta_h}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, Math.round(trainer.progress() * 1000), { step: trainer.state.step, epoch: trainer.state.epoch + 1, loss: '-', val: 'val -', speed: 0, eta_h: '?' });
  let started: { t: number; p: number } | null = null;
  trainer.on('evaluation', (e) => {
    val = `${e.validation.name} ${e.validation.value.toFixed(4)}${e.improved ? ' *' : ''}`;
  });
  trainer.on('step', (e: StepEvent) => {
    speed = speed === 0 ? e.timestepsPerSecond : 0.9 * speed + 0.1 * e.timestepsPerSecond;
    if (!started) started = { t: e.elapsedMs, p: e.progress };
    const rate = (e.progress - started.p) / Math.max(1, e.elapsedMs - started.t);
    const eta = rate > 0 ? (1 - e.progress) / rate / 1000 : NaN;
    bar.update(Math.round(e.progress * 1000), {
      step: e.step,
      epoch: e.epoch + 1,
      loss: e.loss.toFixed(4),
      val: val || 'val -',
      speed: Math.round(speed),
      eta_h: formatSeconds(eta),
    });
  });
  return () => bar.stop();
}

function round(e: StepEvent): Record<string, number> {
  return {
    step: e.step,
    epoch: e.epoch,
    batch: e.batch,
    loss: Number(e.loss.toPrecision(6)),
    lr: Number(e.lr.toPrecision(4)),
    grad_norm: Number(e.gradNorm.toPrecision(4)),
    timesteps_per_second: Math.round(e.timestepsPerSecond),
    elapsed_ms: Math.round(e.elapsedMs),
    progress: Number(e.progress.toFixed(4)),
  };
}
