// Recording from the microphone (raw samples at the audio device's rate: the model's front end
// resamples them with recur's own resampler) and playing a clip back with a moving cursor.

/** Why this page cannot record, in words, or null when it can (feature detection, no prompt). */
export function micUnavailable(): string | null {
  if (!window.isSecureContext) return 'Recording needs a secure page (https:// or http://localhost); this page is neither. Drop or choose a WAV file instead.';
  if (!navigator.mediaDevices?.getUserMedia) return 'This browser offers no microphone access here (no getUserMedia). Drop or choose a WAV file instead.';
  if (typeof AudioContext === 'undefined') return 'This browser has no Web Audio (AudioContext), which recording needs. Drop or choose a WAV file instead.';
  return null;
}

/** What getUserMedia's rejection means for a learner. */
export function micErrorMessage(e: unknown): string {
  const name = (e as { name?: string }).name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Microphone access was denied: allow it for this page in the browser\'s site settings and press Record again, or drop a WAV file.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found: connect one and press Record again, or drop a WAV file.';
  if (name === 'NotReadableError') return 'The microphone is in use by another program or could not be opened: close it there and press Record again.';
  return `Could not record: ${(e as Error).message ?? String(e)}`;
}

export interface Recording {
  /** Ends the recording early. */
  stop(): void;
  /** The mono samples recorded and the device's rate. */
  done: Promise<{ samples: Float32Array; sampleRate: number }>;
}

/**
 * Starts recording up to `maxSeconds` from the default microphone (the browser asks first).
 * `onProgress` gets the seconds recorded and the last block's peak level (0..1).
 */
export async function startRecording(maxSeconds: number, onProgress: (seconds: number, peak: number) => void): Promise<Recording> {
  // Raw sound: the training recordings had no echo cancelling, noise suppression or gain control.
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  // ScriptProcessorNode: deprecated but everywhere, and it needs no separate worklet file.
  const node = ctx.createScriptProcessor(2048, 1, 1);
  const chunks: Float32Array[] = [];
  const limit = Math.round(maxSeconds * ctx.sampleRate);
  let total = 0;
  let finish: () => void = () => {};
  const done = new Promise<{ samples: Float32Array; sampleRate: number }>((resolve) => {
    finish = () => {
      node.onaudioprocess = null;
      source.disconnect();
      node.disconnect();
      for (const track of stream.getTracks()) track.stop();
      const samples = new Float32Array(total);
      let at = 0;
      for (const c of chunks) {
        samples.set(c, at);
        at += c.length;
      }
      const sampleRate = ctx.sampleRate;
      void ctx.close();
      resolve({ samples, sampleRate });
    };
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    finish();
  };
  node.onaudioprocess = (e) => {
    const block = e.inputBuffer.getChannelData(0).slice(0, Math.max(0, limit - total));
    chunks.push(block);
    total += block.length;
    let peak = 0;
    for (let i = 0; i < block.length; i++) peak = Math.max(peak, Math.abs(block[i]!));
    onProgress(total / ctx.sampleRate, peak);
    if (total >= limit) stop();
  };
  source.connect(node);
  // A ScriptProcessorNode only runs when connected onwards; it writes silence.
  node.connect(ctx.destination);
  return { stop, done };
}

/**
 * Plays mono samples; `onTime` gets the seconds played on each animation frame and -1 at the
 * end. Returns a function that stops playing.
 */
export function playSamples(samples: Float32Array, sampleRate: number, onTime: (seconds: number) => void): () => void {
  const ctx = new AudioContext();
  const buffer = ctx.createBuffer(1, samples.length, sampleRate);
  buffer.copyToChannel(Float32Array.from(samples), 0);
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(ctx.destination);
  let raf = 0;
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    cancelAnimationFrame(raf);
    void ctx.close();
    onTime(-1);
  };
  src.onended = end;
  const started = ctx.currentTime;
  src.start();
  const tick = () => {
    onTime(ctx.currentTime - started);
    raf = requestAnimationFrame(tick);
  };
  raf = requestAnimationFrame(tick);
  return () => {
    try {
      src.stop();
    } catch {
      // already stopped
    }
    end();
  };
}
