import { DrainParser, OVERFLOW_EVENT, type DrainOptions } from './drain.js';
import { makeMasker, type Masker } from './mask.js';

/**
 * Maps raw log messages to known templates (those a model was trained on): a Drain parser is
 * seeded with the templates, so a message joins the cluster of its template and is named by
 * it even if the cluster's own template later generalises; a message that fits none becomes a
 * new template (unknown to the model, hence anomalous). Memory is bounded by Drain's
 * `maxClusters`: past it, unmatched messages all map to the overflow event.
 *
 * @example
 * const m = new TemplateMatcher(['Received block <*> of size <*> from /<*>']);
 * m.event('Received block blk_1 of size 91 from /10.0.0.1') // 'Received block <*> of size <*> from /<*>'
 */
export class TemplateMatcher {
  private readonly drain: DrainParser;
  private readonly masker: Masker;
  private readonly names = new Map<string, string>();

  constructor(templates: readonly string[], drain: DrainOptions = {}) {
    this.drain = new DrainParser({ ...drain, maxClusters: Math.max(drain.maxClusters ?? 10_000, templates.length + 1), whenFull: 'other' });
    this.masker = makeMasker();
    for (const t of templates) {
      const { id } = this.drain.add(t);
      if (!this.names.has(id)) this.names.set(id, t);
    }
  }

  /** The template name of a message (its `Content`, before masking). */
  event(message: string): string {
    const { id } = this.drain.add(this.masker.apply(message));
    if (id === OVERFLOW_EVENT.id) return OVERFLOW_EVENT.template;
    return this.names.get(id) ?? this.drain.template(id);
  }
}
