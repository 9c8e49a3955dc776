import { isNoSpace } from '../../common/errors';

/**
 * Runs a write of derived or advisory data (an index, the metadata's recovery point) that
 * may be skipped when the disk is full: resolves false instead of failing for lack of space
 * (other failures still throw). What it skipped is rebuilt or rewritten later.
 */
export async function unlessNoSpace(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (!isNoSpace(err)) throw err;
    return false;
  }
}
