// A unit x time heatmap on a canvas, with axis labels, a legend and a cursor at the
// current step. Cells are drawn one pixel each and scaled up by CSS.
import { css, type Scale } from './colors.js';

export interface HeatmapView {
  root: HTMLElement;
  /** Redraws for data [T, H] (time-major) under a scale. */
  update(data: Float32Array, T: number, H: number, scale: Scale): void;
  setCursor(t: number): void;
}

export function createHeatmap(title: string, note: string): HeatmapView {
  const root = document.createElement('figure');
  root.className = 'heatmap';
  root.innerHTML = `
    <figcaption><b>${title}</b> <span class="note">${note}</span></figcaption>
    <div class="hm-body">
      <div class="hm-ylabel">hidden unit</div>
      <div class="hm-yticks"><span class="hm-ytop">0</span><span class="hm-ybottom"></span></div>
      <div class="hm-scroll"><div class="hm-stack"><div class="hm-plot"><canvas class="hm-canvas"></canvas><div class="hm-cursor"></div></div><div class="hm-xticks"></div>
        <div class="hm-xlabel">time step (character read)</div></div></div>
    </div>
    <div class="hm-legend"><span class="lo"></span><canvas class="hm-bar" width="120" height="1"></canvas><span class="hi"></span></div>`;
  const canvas = root.querySelector<HTMLCanvasElement>('.hm-canvas')!;
  const cursor = root.querySelector<HTMLElement>('.hm-cursor')!;
  const stack = root.querySelector<HTMLElement>('.hm-stack')!;
  let cellW = 6;

  return {
    root,
    update(data, t, H, scale) {
      const T = t;
      canvas.width = T;
      canvas.height = H;
      const ctx = canvas.getContext('2d')!;
      const img = ctx.createImageData(T, H);
      for (let s = 0; s < T; s++) {
        for (let u = 0; u < H; u++) {
          const c = scale.color(data[s * H + u]!);
          const p = (u * T + s) * 4;
          img.data[p] = c[0];
          img.data[p + 1] = c[1];
          img.data[p + 2] = c[2];
          img.data[p + 3] = 255;
        }
      }
      ctx.putImageData(img, 0, 0);
      const avail = Math.max(200, (root.clientWidth || root.parentElement?.clientWidth || 600) - 50);
      cellW = Math.max(3, Math.min(14, Math.floor(avail / T)));
      canvas.style.width = `${T * cellW}px`;
      const height = Math.max(80, Math.min(128, Math.round(H * 1.2)));
      canvas.style.height = `${height}px`;
      // The unit ticks span the plot only, not the time axis under it.
      root.querySelector<HTMLElement>('.hm-yticks')!.style.height = `${height + 2}px`;
      stack.style.width = `${T * cellW}px`;
      cursor.style.width = `${cellW + 4}px`;
      root.querySelector('.hm-ybottom')!.textContent = String(H - 1);
      // Ticks at least ~40 px apart, on round step numbers.
      const every = [1, 2, 5, 10, 20, 25, 50, 100, 200].find((k) => k * cellW >= 40) ?? 500;
      const ticks = root.querySelector<HTMLElement>('.hm-xticks')!;
      ticks.replaceChildren();
      for (let s = 0; s < T; s += every) {
        const tick = document.createElement('span');
        tick.textContent = String(s);
        tick.style.left = `${s * cellW}px`;
        ticks.append(tick);
      }
      root.querySelector('.lo')!.textContent = scale.min.toFixed(2);
      root.querySelector('.hi')!.textContent = scale.max.toFixed(2);
      const bar = root.querySelector<HTMLCanvasElement>('.hm-bar')!;
      const bctx = bar.getContext('2d')!;
      for (let x = 0; x < bar.width; x++) {
        bctx.fillStyle = css(scale.color(scale.min + ((scale.max - scale.min) * x) / (bar.width - 1)));
        bctx.fillRect(x, 0, 1, 1);
      }
    },
    setCursor(t) {
      cursor.style.left = `${t * cellW - 2}px`;
      const scroll = root.querySelector<HTMLElement>('.hm-scroll')!;
      const x = t * cellW;
      if (x < scroll.scrollLeft || x > scroll.scrollLeft + scroll.clientWidth - cellW) scroll.scrollLeft = Math.max(0, x - scroll.clientWidth / 2);
    },
  };
}
