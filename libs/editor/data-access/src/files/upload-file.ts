/** How far an upload has got: bytes sent of the bytes to send. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadFileOptions {
  /** Called as the request body goes out (fetch cannot report this, hence XMLHttpRequest). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting it cancels the request; the promise then rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/**
 * A `/files/…` request that did not succeed. `message` is a sentence for the user:
 * the server's own when it sent `{ error: { code, message } }`, else one made from
 * the status. `status` 0 means the server was never reached.
 */
export class FileRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'FileRequestError';
  }
}

/** What to say when a refusal came without the API's error body (say, from a proxy). */
const STATUS_MESSAGES: Record<number, string> = {
  400: 'The server could not read this upload',
  401: 'Your session has ended; log in again',
  403: 'You may not add files here',
  404: 'The place this file was meant for no longer exists',
  409: 'There is no room for this file',
  413: 'The file is too large',
  415: 'The server does not accept this kind of file',
};

/**
 * Posts `file` as multipart/form-data under the field `file` and resolves with the
 * JSON the server answers. Refusals reject with a {@link FileRequestError} carrying
 * the server's message; a lost connection with status 0.
 */
export function uploadFile(url: string, file: Blob, options: UploadFileOptions = {}): Promise<unknown> {
  const { onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', abort);

    xhr.upload.onprogress = (event) => {
      onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        const body = parseJson(xhr.responseText);
        if (body === undefined) return reject(new FileRequestError('The server sent an answer the editor cannot read', xhr.status, 'BAD_RESPONSE'));
        return resolve(body);
      }
      reject(refusal(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => {
      settle();
      reject(new FileRequestError('The upload could not reach the server; check the connection and try again', 0, 'NETWORK'));
    };
    xhr.onabort = () => {
      settle();
      reject(abortError());
    };
    signal?.addEventListener('abort', abort, { once: true });

    const form = new FormData();
    form.append('file', file, file instanceof File ? file.name : 'file');
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.send(form);
  });
}

/** The error a refused request stands for, from its status and body. */
function refusal(status: number, body: string): FileRequestError {
  const parsed = parseJson(body);
  const error = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : null;
  const message = error && typeof error['message'] === 'string' && error['message'] ? error['message'] : null;
  const code = error && typeof error['code'] === 'string' ? error['code'] : `HTTP_${status}`;
  return new FileRequestError(message ?? STATUS_MESSAGES[status] ?? `The upload failed (HTTP ${status})`, status, code);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function abortError(): DOMException {
  return new DOMException('The upload was cancelled', 'AbortError');
}
