// Canvases drawn at the screen's pixel density, so maps and labels stay sharp on high-DPI screens.

/**
 * Sizes `canvas` to `width` x `height` CSS pixels backed by device pixels, and returns its 2D
 * context scaled so drawing coordinates are CSS pixels, with the maps' 10px monospace labels
 * centred vertically.
 * @example const ctx = sizeCanvas(document.createElement('canvas'), 300, 120); ctx.fillRect(0, 0, 10, 10);
 */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '10px ui-monospace, monospace';
  ctx.textBaseline = 'middle';
  return ctx;
}
