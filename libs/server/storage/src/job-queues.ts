import { QueueServiceClient, type QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';
import { JobType, type JobMessage } from '@storyline/contracts';

export interface JobQueuesOptions {
  connectionString: string;
  /** Prepended to every queue name, so several environments (or test files) share one account. */
  prefix?: string;
  /** Per-request timeout; storage that does not answer fails fast instead of hanging a user's request. */
  requestTimeoutMs?: number;
}

/** A message taken from a queue, with what is needed to delete it or hide it again. */
export interface ReceivedJobMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  /** The raw text; the receiver validates it. */
  text: string;
}

export interface JobQueues {
  /** Creates every job queue and its poison queue if missing. */
  ensure(): Promise<void>;
  send(type: JobType, message: JobMessage): Promise<void>;
  receive(type: JobType, options: { max: number; visibilityTimeoutSec: number }): Promise<ReceivedJobMessage[]>;
  delete(type: JobType, message: Pick<ReceivedJobMessage, 'messageId' | 'popReceipt'>): Promise<void>;
  /** Hides a message for `visibilityTimeoutSec` more seconds; returns the new pop receipt. */
  hide(type: JobType, message: Pick<ReceivedJobMessage, 'messageId' | 'popReceipt'>, visibilityTimeoutSec: number): Promise<string>;
  /** Moves a message that cannot be processed to the type's poison queue. */
  poison(type: JobType, text: string): Promise<void>;
  peekPoison(type: JobType): Promise<string[]>;
  depth(type: JobType): Promise<number>;
  queueName(type: JobType): string;
}

/** Access to the Azure Storage queues of every job type. */
export function createJobQueues(options: JobQueuesOptions): JobQueues {
  const pipeline: StoragePipelineOptions = {
    retryOptions: {
      maxTries: 3,
      tryTimeoutInMs: options.requestTimeoutMs ?? 5_000,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 1_000,
    },
  };
  const service = QueueServiceClient.fromConnectionString(options.connectionString, pipeline);
  const prefix = options.prefix ?? '';
  const clients = new Map<string, QueueClient>();
  const client = (name: string) => {
    let queue = clients.get(name);
    if (!queue) {
      queue = service.getQueueClient(name);
      clients.set(name, queue);
    }
    return queue;
  };
  const queueName = (type: JobType) => `${prefix}${type}`;
  const poisonName = (type: JobType) => `${prefix}${type}-poison`;

  return {
    queueName,
    async ensure() {
      await Promise.all(
        JobType.options.flatMap((type) => [client(queueName(type)).createIfNotExists(), client(poisonName(type)).createIfNotExists()]),
      );
    },
    async send(type, message) {
      await client(queueName(type)).sendMessage(JSON.stringify(message));
    },
    async receive(type, { max, visibilityTimeoutSec }) {
      const response = await client(queueName(type)).receiveMessages({
        numberOfMessages: max,
        visibilityTimeout: visibilityTimeoutSec,
      });
      return response.receivedMessageItems.map((item) => ({
        messageId: item.messageId,
        popReceipt: item.popReceipt,
        dequeueCount: item.dequeueCount,
        text: item.messageText,
      }));
    },
    async delete(type, message) {
      await client(queueName(type)).deleteMessage(message.messageId, message.popReceipt);
    },
    async hide(type, message, visibilityTimeoutSec) {
      const response = await client(queueName(type)).updateMessage(
        message.messageId,
        message.popReceipt,
        undefined,
        visibilityTimeoutSec,
      );
      if (!response.popReceipt) throw new Error(`queue ${queueName(type)} returned no pop receipt`);
      return response.popReceipt;
    },
    async poison(type, text) {
      await client(poisonName(type)).sendMessage(text);
    },
    async peekPoison(type) {
      const response = await client(poisonName(type)).peekMessages({ numberOfMessages: 32 });
      return response.peekedMessageItems.map((item) => item.messageText);
    },
    async depth(type) {
      const properties = await client(queueName(type)).getProperties();
      return properties.approximateMessagesCount ?? 0;
    },
  };
}
