import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobClient,
  BlobSASPermissions,
  BlobServiceClient,
  RestError,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';

/** Where each kind of file lives: images of stories, uploaded ZIPs, what jobs produce, and published renditions. */
export type BlobContainer = 'media' | 'uploads' | 'exports' | 'published';
const CONTAINERS: readonly BlobContainer[] = ['media', 'uploads', 'exports', 'published'];

export interface BlobStoreOptions {
  connectionString: string;
  /** Prepended to every container name, as for queues (lowercase letters, digits, hyphens). */
  prefix?: string;
  requestTimeoutMs?: number;
}

/** Thrown by {@link BlobStore.upload} when the content passes `maxBytes`; nothing is left stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** Thrown by {@link BlobStore.read} when the blob does not exist. */
export class BlobMissingError extends Error {
  constructor(readonly blobName: string) {
    super(`The blob ${blobName} does not exist`);
    this.name = 'BlobMissingError';
  }
}

/** Why a signed download was refused, told apart so the user gets the right sentence. */
export type SignedReadRefusal = 'expired' | 'invalid' | 'missing';

export type SignedRead =
  | { ok: true; content: Readable; contentType: string | undefined; contentLength: number | undefined; contentDisposition: string | undefined }
  | { ok: false; refusal: SignedReadRefusal };

export interface BlobStore {
  /** Creates every container if missing. */
  ensure(): Promise<void>;
  /**
   * Streams `content` into a block blob (a few MiB in memory at most, whatever the size),
   * replacing any blob of that name; `onBytes` follows the bytes written. Past
   * `maxBytes` the upload stops, is discarded, and {@link BlobTooLargeError} is thrown.
   */
  upload(
    container: BlobContainer,
    name: string,
    content: Readable,
    options: {
      contentType: string;
      maxBytes?: number;
      onBytes?: (bytes: number) => void;
      signal?: AbortSignal;
      /** Size of each block sent (4 MiB); an upload holds two at most, allocated whole. */
      blockBytes?: number;
    },
  ): Promise<{ byteSize: number }>;
  /** A stream of the blob's bytes; rejects with {@link BlobMissingError} when it is absent. */
  read(container: BlobContainer, name: string, signal?: AbortSignal): Promise<Readable>;
  /** Copies a blob inside the account; storage moves the bytes, not this process. */
  copy(from: { container: BlobContainer; name: string }, to: { container: BlobContainer; name: string }, signal?: AbortSignal): Promise<void>;
  /** Deletes a blob; a blob already gone is fine. */
  delete(container: BlobContainer, name: string): Promise<void>;
  exists(container: BlobContainer, name: string): Promise<boolean>;
  /** Names of the blobs under `prefix`. */
  list(container: BlobContainer, prefix: string): AsyncIterable<string>;
  /**
   * A read-only SAS query for one blob, valid until `expiresOn`; a download presents it
   * and storage answers with `fileName` as the attachment's name.
   */
  signReadQuery(container: BlobContainer, name: string, options: { expiresOn: Date; fileName: string; contentType: string }): Promise<string>;
  /** Reads a blob with a SAS query only (no account key): storage itself checks signature and expiry. */
  readSigned(container: BlobContainer, name: string, sasQuery: string, signal?: AbortSignal): Promise<SignedRead>;
}

/** Access to Azure Blob Storage (Azurite locally) for media, uploads and job output. */
export function createBlobStore(options: BlobStoreOptions): BlobStore {
  const pipelineOptions: StoragePipelineOptions = {
    retryOptions: { maxTries: 3, tryTimeoutInMs: options.requestTimeoutMs ?? 60_000, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
  };
  const service = BlobServiceClient.fromConnectionString(options.connectionString, pipelineOptions);
  const prefix = options.prefix ?? '';
  const containers = new Map<BlobContainer, ContainerClient>();
  const container = (name: BlobContainer) => {
    let client = containers.get(name);
    if (!client) containers.set(name, (client = service.getContainerClient(`${prefix}${name}`)));
    return client;
  };

  return {
    async ensure() {
      await Promise.all(CONTAINERS.map((name) => container(name).createIfNotExists()));
    },
    async upload(name, blobName, content, { contentType, maxBytes, onBytes, signal, blockBytes = 4 * 1024 * 1024 }) {
      const blob = container(name).getBlockBlobClient(blobName);
      let byteSize = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          byteSize += chunk.length;
          if (maxBytes !== undefined && byteSize > maxBytes) return done(new BlobTooLargeError(maxBytes));
          onBytes?.(byteSize);
          done(null, chunk);
        },
      });
      try {
        await Promise.all([
          pipeline(content, counter, { signal }).catch((error: unknown) => {
            counter.destroy(error as Error);
            throw error;
          }),
          // Two blocks in flight: the most this process holds of one upload.
          blob.uploadStream(counter, blockBytes, 2, { blobHTTPHeaders: { blobContentType: contentType }, abortSignal: signal }),
        ]);
      } catch (error) {
        counter.destroy();
        await blob.deleteIfExists().catch(() => undefined);
        throw error;
      }
      return { byteSize };
    },
    async read(name, blobName, signal) {
      try {
        const response = await container(name).getBlobClient(blobName).download(0, undefined, { abortSignal: signal });
        return response.readableStreamBody as Readable;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) throw new BlobMissingError(blobName);
        throw error;
      }
    },
    async copy(from, to, signal) {
      const source = container(from.container).getBlobClient(from.name);
      const poller = await container(to.container).getBlobClient(to.name).beginCopyFromURL(source.url, { abortSignal: signal });
      await poller.pollUntilDone();
    },
    async delete(name, blobName) {
      await container(name).getBlobClient(blobName).deleteIfExists();
    },
    async exists(name, blobName) {
      return container(name).getBlobClient(blobName).exists();
    },
    async *list(name, blobPrefix) {
      for await (const blob of container(name).listBlobsFlat({ prefix: blobPrefix })) yield blob.name;
    },
    async signReadQuery(name, blobName, { expiresOn, fileName, contentType }) {
      const url = await container(name).getBlobClient(blobName).generateSasUrl({
        permissions: BlobSASPermissions.parse('r'),
        expiresOn,
        contentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        contentType,
      });
      return new URL(url).search.slice(1);
    },
    async readSigned(name, blobName, sasQuery, signal) {
      const base = container(name).getBlobClient(blobName).url;
      const signed = new BlobClient(`${base}?${sasQuery}`, undefined, pipelineOptions);
      try {
        const response = await signed.download(0, undefined, { abortSignal: signal });
        return {
          ok: true,
          content: response.readableStreamBody as Readable,
          contentType: response.contentType,
          contentLength: response.contentLength,
          contentDisposition: response.contentDisposition,
        };
      } catch (error) {
        if (!(error instanceof RestError)) throw error;
        if (error.statusCode === 404) return { ok: false, refusal: 'missing' };
        if (error.statusCode === 403) return { ok: false, refusal: /expired/i.test(error.message) ? 'expired' : 'invalid' };
        // Any other refusal of the request itself (say, a query storage cannot parse) is the link's fault.
        if (error.statusCode !== undefined && error.statusCode < 500) return { ok: false, refusal: 'invalid' };
        throw error;
      }
    },
  };
}
