// SIMD nonlinearities shared by every cell. Scalar tails call the same vector code on a
// splat, so a hidden size that is not a multiple of 4 gets bit-identical maths.

// c + x * b, fused in the relaxed-SIMD build (one rounding) like the GEMM tiles' madd.
@inline export function madd(x: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, b, c);
  return f32x4.add(f32x4.mul(x, b), c);
}

// Eigen's rational tanh (odd 13/6): ~4e-7 relative error, no exp, no branches.
// Beyond |x| = 7.9053 it returns ±1 to float32 precision anyway, so the input is clamped.
@inline export function tanh4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(7.90531110763549805)), f32x4.splat(-7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = madd(x2, f32x4.splat(-2.76076847742355e-16), f32x4.splat(2.00018790482477e-13));
  p = madd(p, x2, f32x4.splat(-8.60467152213735e-11));
  p = madd(p, x2, f32x4.splat(5.12229709037114e-8));
  p = madd(p, x2, f32x4.splat(1.48572235717979e-5));
  p = madd(p, x2, f32x4.splat(6.37261928875436e-4));
  p = madd(p, x2, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, x);
  let q = madd(x2, f32x4.splat(1.19825839466702e-6), f32x4.splat(1.18534705686654e-4));
  q = madd(q, x2, f32x4.splat(2.26843463243900e-3));
  q = madd(q, x2, f32x4.splat(4.89352518554385e-3));
  const r = f32x4.div(p, q);
  // Tiny inputs: tanh(x) = x exactly in float32, and the rational form would lose ulps.
  const small = f32x4.lt(f32x4.abs(v), f32x4.splat(0.0004));
  return v128.bitselect(v, r, small);
}

// Cephes expf: exp(x) = 2^n exp(r), |r| <= ln2/2, degree-5 polynomial (~1.5e-7 relative).
// The clamp keeps 2^n a normal float, so the exponent can be built by a shift.
@inline export function exp4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(88.3762626647949)), f32x4.splat(-87.33654475));
  // n = round(x log2 e) by the 1.5 * 2^23 trick: the sum's low mantissa bits hold n itself.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  const e = f32x4.add(madd(p, r2, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(e, scale);
}

// sigmoid = 1 / (1 + exp(-x)): accurate in both tails (0.5 + 0.5 tanh(x/2) is not).
@inline export function sigmoid4(v: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(v))));
}

@inline export function relu4(v: v128): v128 {
  return f32x4.pmax(v, f32x4.splat(0.0));
}

export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
