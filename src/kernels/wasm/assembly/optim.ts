// Optimiser updates over flat parameter arrays, 4 elements per iteration in float32 (as
// PyTorch's CPU kernels compute them); a tail of 1-3 elements runs the scalar form.

/**
 * Plain Adam (no weight decay, no AMSGrad), as torch.optim.Adam: m = m + c1 (g - m),
 * v = b2 v + c2 g^2, p -= stepSize m / (sqrt(v) / bc2Sqrt + eps). c1 = 1 - b1 and c2 = 1 - b2
 * come from the caller in double precision: 1 - f32(0.999) is 1.3e-5 off.
 */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, c1s: f32, b2: f32, c2s: f32, eps: f32, stepSize: f32, bc2Sqrt: f32): void {
  const c1 = f32x4.splat(c1s), c2 = f32x4.splat(c2s), vb2 = f32x4.splat(b2);
  const ve = f32x4.splat(eps), vs = f32x4.splat(stepSize), vbc = f32x4.splat(bc2Sqrt);
  const bytes = <usize>n << 2;
  const v4 = <usize>(n & ~3) << 2;
  let o: usize = 0;
  for (; o < v4; o += 16) {
    const gi = v128.load(g + o);
    const m0 = v128.load(m + o);
    const mi = f32x4.add(m0, f32x4.mul(c1, f32x4.sub(gi, m0)));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, gi), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vbc), ve);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vs, mi), den)));
  }
  for (; o < bytes; o += 4) {
    const gi = load<f32>(g + o);
    const m0 = load<f32>(m + o);
    const mi = m0 + c1s * (gi - m0);
    const vi = b2 * load<f32>(v + o) + c2s * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - (stepSize * mi) / (sqrt<f32>(vi) / bc2Sqrt + eps));
  }
}
