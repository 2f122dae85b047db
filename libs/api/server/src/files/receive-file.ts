import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { FileRequestError } from './file-error';

export interface ReceivedFile {
  fileName: string;
  /** The file's bytes as they arrive; ends early (and errors) when the client goes away. */
  content: Readable;
}

const MULTIPART_ONLY = 'Send the file as multipart/form-data with one field named "file"';

/**
 * The one file of a multipart upload, streamed: nothing is buffered whole. Resolves
 * once the file part begins; the byte cap is the caller's (at `maxBytes + 1` the
 * stream stops, so a caller counting bytes sees the excess). Other fields are ignored.
 */
export function receiveFile(req: IncomingMessage, maxBytes: number): Promise<ReceivedFile> {
  const declared = Number(req.headers['content-length']);
  // A little room for the multipart framing around the file.
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    return Promise.reject(new FileRequestError(413, 'TOO_LARGE', `The file is larger than ${formatLimit(maxBytes)}, the most allowed`));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 },
    });
  } catch {
    return Promise.reject(new FileRequestError(415, 'NOT_MULTIPART', MULTIPART_ONLY));
  }
  return new Promise<ReceivedFile>((resolve, reject) => {
    let received: PassThrough | null = null;
    const fail = (error: Error) => {
      if (received) received.destroy(error);
      else reject(error);
    };
    parser.on('file', (field, file, info) => {
      if (field !== 'file' || received) {
        file.resume();
        return;
      }
      received = new PassThrough();
      file.on('error', (error: Error) => received?.destroy(error));
      file.pipe(received);
      resolve({ fileName: cleanFileName(info.filename), content: received });
    });
    parser.on('error', (error: unknown) => fail(new FileRequestError(400, 'BAD_UPLOAD', `The upload could not be read: ${describe(error)}`)));
    parser.on('close', () => {
      if (!received) reject(new FileRequestError(400, 'NO_FILE', MULTIPART_ONLY));
    });
    req.on('aborted', () => fail(new FileRequestError(400, 'ABORTED', 'The upload was interrupted')));
    req.pipe(parser);
  });
}

/** The client's file name, reduced to its last segment and printable characters. */
function cleanFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const printable = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return printable || 'upload';
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : '';
  return /unexpected end/i.test(text) ? 'it ended before the file was complete' : 'it is not well-formed multipart data';
}

export function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
