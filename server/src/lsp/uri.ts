/** file: URIs ↔ the engine's absolute `/`-separated paths. Other schemes are not ours. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toSlash } from '../engine/collect';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return toSlash(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}
