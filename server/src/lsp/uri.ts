/** file: URIs ↔ paths with forward slashes (the engine's convention). Other schemes keep their path. */
import { fileURLToPath, pathToFileURL } from 'node:url';

export const URI = {
  toPath(uri: string): string {
    if (uri.startsWith('file:')) {
      try {
        return fileURLToPath(uri).replace(/\\/g, '/');
      } catch {
        /* fall through */
      }
    }
    const i = uri.indexOf(':');
    return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri).replace(/^\/\/[^/]*/, '');
  },
  fromPath(path: string): string {
    return pathToFileURL(path).href;
  },
};
