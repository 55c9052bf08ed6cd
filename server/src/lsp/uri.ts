/**
 * file: URIs ↔ paths with forward slashes (the engine's convention). Other schemes keep their path.
 * Never throws: a client may send any string as a URI (`untitled:100%`, a malformed `%E0%A4%A`),
 * and an exception here would surface in a timer and take the server down.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // Decode the well-formed escapes, keep a malformed one as written.
    return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

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
    return decode(i >= 0 ? uri.slice(i + 1) : uri).replace(/^\/\/[^/]*/, '');
  },
  /** Whether the URI names a file on disk (imports next to it can be followed). */
  isFile(uri: string): boolean {
    return uri.startsWith('file:');
  },
  fromPath(path: string): string {
    return pathToFileURL(path).href;
  },
};
