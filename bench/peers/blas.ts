// Which BLAS a PyTorch process has loaded, from its /proc/self/maps: the bench refuses to
// report PyTorch on a generic/reference BLAS (Debian's python3-torch takes whatever
// libblas.so.3 the system's alternative points to; the netlib reference makes W2 ~17x slower,
// which would make every comparison with PyTorch a straw man).

export type BlasKind = 'openblas' | 'mkl' | 'blis' | 'atlas' | 'reference' | 'none';

export interface BlasCheck {
  kind: BlasKind;
  /** Human name, e.g. 'OpenBLAS 0.3.21 (pthread)'. */
  name: string;
  /** False for the netlib reference or when no BLAS can be found: such figures are refused. */
  optimised: boolean;
  /** The BLAS-like libraries mapped into the process (absolute paths, sorted, unique). */
  libraries: string[];
  /** Why the check refused, with what to install; empty when optimised. */
  refusal: string;
}

/** What to install on Debian/Ubuntu for an optimised BLAS under python3-torch. */
export const BLAS_FIX = 'apt-get install python3-torch libopenblas0-pthread';

const BLAS_LIKE = /(blas|lapack|mkl|blis|atlas)[^/]*\.so/i;

/** The absolute paths of the BLAS-like shared libraries in a /proc/<pid>/maps listing. */
export function blasLibraries(maps: string): string[] {
  const paths = new Set<string>();
  for (const line of maps.split('\n')) {
    // address perms offset dev inode [path]; the path may hold spaces, so take field 6 onwards.
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const path = fields.slice(5).join(' ');
    const file = path.slice(path.lastIndexOf('/') + 1);
    if (path.startsWith('/') && BLAS_LIKE.test(file)) paths.add(path);
  }
  return [...paths].sort();
}

/**
 * Classifies the BLAS a process uses from its maps listing and, for builds that link a BLAS
 * statically (pip wheels with MKL), torch's own `BLAS_INFO` build setting.
 *
 * @example
 * classifyBlas('7f.. r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3', 'generic').optimised // false
 */
export function classifyBlas(maps: string, blasInfo = ''): BlasCheck {
  const libraries = blasLibraries(maps);
  const file = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  const ok = (kind: BlasKind, name: string): BlasCheck => ({ kind, name, optimised: true, libraries, refusal: '' });
  // libtorch needs libblas.so.3 directly, so the libblas.so.3 it maps provides sgemm_ even when an
  // optimised BLAS is mapped too (e.g. pulled in by OpenBLAS's liblapack.so.3): a libblas.so.3
  // outside an optimised BLAS's directory is the reference, whatever else is loaded.
  const reference = libraries.find((p) => /^libblas\.so/.test(file(p)) && !/openblas|blis|mkl|atlas/i.test(p.slice(0, p.lastIndexOf('/'))));
  if (reference) {
    return {
      kind: 'reference',
      name: 'reference BLAS (netlib)',
      optimised: false,
      libraries,
      refusal: `PyTorch loads the reference BLAS ${reference}: its figures would understate PyTorch many times over, so they are not reported. Install an optimised BLAS: ${BLAS_FIX}`,
    };
  }
  const openblas = libraries.find((p) => /^libopenblas/i.test(file(p)));
  if (openblas) {
    const version = /r(\d+\.\d+\.\d+)/.exec(file(openblas))?.[1];
    const flavour = /openblas-(pthread|openmp|serial)/.exec(openblas)?.[1] ?? (/^libopenblasp/.test(file(openblas)) ? 'pthread' : /^libopenblaso/.test(file(openblas)) ? 'openmp' : '');
    return ok('openblas', `OpenBLAS${version ? ' ' + version : ''}${flavour ? ` (${flavour})` : ''}`);
  }
  if (libraries.some((p) => /^libmkl_/i.test(file(p)))) return ok('mkl', 'Intel MKL');
  if (libraries.some((p) => /^libblis/i.test(file(p)))) return ok('blis', 'BLIS');
  if (libraries.some((p) => /^lib[st]?atlas/i.test(file(p)) || /\/atlas\//.test(p))) return ok('atlas', 'ATLAS');
  // No BLAS mapped: a build with the BLAS linked in says so in BLAS_INFO.
  const info = blasInfo.trim().toLowerCase();
  if (info === 'mkl') return ok('mkl', 'Intel MKL (linked into libtorch)');
  if (info === 'open' || info === 'openblas') return ok('openblas', 'OpenBLAS (linked into libtorch)');
  return {
    kind: 'none',
    name: `no BLAS library found (BLAS_INFO=${blasInfo || 'unknown'})`,
    optimised: false,
    libraries,
    refusal: `PyTorch has no optimised BLAS loaded (BLAS_INFO=${blasInfo || 'unknown'}), so its figures are not reported. Install one: ${BLAS_FIX}`,
  };
}

/** torch's BLAS_INFO build setting from `torch.__config__.show()`, or ''. */
export function blasInfoOf(configText: string): string {
  return /BLAS_INFO=([^,\s]+)/.exec(configText)?.[1] ?? '';
}
