import { IoError, RecurError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** Writes an output file atomically; a file-system failure becomes an IoError naming the file and why. */
export async function writeOutputFile(path: string, data: Uint8Array | string, what: string): Promise<void> {
  try {
    await writeFileAtomic(path, data);
  } catch (e) {
    if (e instanceof RecurError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EISDIR' ? 'it is a directory' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : (e as Error).message;
    throw new IoError(`${path}: cannot write the ${what} (${why})`);
  }
}
