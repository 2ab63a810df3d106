// A checkpoint's two files (config.json, model.safetensors) as the page gets them: fetched from
// a base URL (the bundled models, `recur viz DIR`) or dropped/chosen by the user. The callers
// turn them into a model of their kind.

/** A checkpoint's parsed config.json (not yet checked) and its model.safetensors bytes. */
export interface CheckpointBytes {
  config: unknown;
  weights: Uint8Array;
  /** Where they came from: the base URL, or `dropped:` and the dropped directory's path. */
  source: string;
}

/**
 * Fetches `${base}config.json` and `${base}model.safetensors`; an HTTP error names the URL.
 * @example const { config, weights, source } = await fetchCheckpoint('./model/');
 */
export async function fetchCheckpoint(base: string): Promise<CheckpointBytes> {
  const get = async (name: string) => {
    const r = await fetch(`${base}${name}`);
    if (!r.ok) throw new Error(`${base}${name}: HTTP ${r.status}`);
    return r;
  };
  // Both requests at once: one round trip instead of two before the first view.
  const [configResponse, weightsResponse] = await Promise.all([get('config.json'), get('model.safetensors')]);
  const config: unknown = await configResponse.json();
  const weights = new Uint8Array(await weightsResponse.arrayBuffer());
  return { config, weights, source: base };
}

/**
 * Reads config.json and model.safetensors from dropped or chosen files; `madeBy` names the
 * command that makes such a checkpoint, for the message when one of the two is missing.
 * @example const { config, weights, source } = await readCheckpointFiles(files, 'recur train');
 */
export async function readCheckpointFiles(files: readonly File[], madeBy: string): Promise<CheckpointBytes> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const config = byName.get('config.json');
  const weights = byName.get('model.safetensors');
  if (!config || !weights) throw new Error(`choose both config.json and model.safetensors from a checkpoint directory made by ${madeBy}`);
  const source = `dropped:${(config.webkitRelativePath || config.name).replace(/config\.json$/, '')}`;
  let json: unknown;
  try {
    json = JSON.parse(await config.text());
  } catch (e) {
    throw new Error(`${source}config.json is not valid JSON (${(e as Error).message})`);
  }
  return { config: json, weights: new Uint8Array(await weights.arrayBuffer()), source };
}
