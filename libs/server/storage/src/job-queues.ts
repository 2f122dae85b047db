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

export interface PoisonedQueueMessage {
  messageId: string;
  insertedOn: Date | null;
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
  /** Up to 32 messages of the type's poison queue, with their ids, left where they are. */
  peekPoisoned(type: JobType): Promise<PoisonedQueueMessage[]>;
  /**
   * Takes one message out of the type's poison queue: hidden for `visibilityTimeoutSec` while the
   * caller decides, to be deleted with {@link deletePoisoned}. Null when it is not (or no longer) there.
   */
  takePoisoned(type: JobType, messageId: string, visibilityTimeoutSec: number): Promise<ReceivedJobMessage | null>;
  deletePoisoned(type: JobType, message: Pick<ReceivedJobMessage, 'messageId' | 'popReceipt'>): Promise<void>;
  depth(type: JobType): Promise<number>;
  /** Approximate messages in the type's poison queue. */
  poisonDepth(type: JobType): Promise<number>;
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
    async peekPoisoned(type) {
      const response = await client(poisonName(type)).peekMessages({ numberOfMessages: 32 });
      return response.peekedMessageItems.map((item) => ({ messageId: item.messageId, insertedOn: item.insertedOn ?? null, text: item.messageText }));
    },
    async takePoisoned(type, messageId, visibilityTimeoutSec) {
      const queue = client(poisonName(type));
      // A queue cannot receive one message by id: take a batch, keep the one, show the others again.
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: visibilityTimeoutSec });
      let taken: ReceivedJobMessage | null = null;
      await Promise.all(
        receivedMessageItems.map(async (item) => {
          if (item.messageId === messageId) {
            taken = { messageId: item.messageId, popReceipt: item.popReceipt, dequeueCount: item.dequeueCount, text: item.messageText };
          } else {
            await queue.updateMessage(item.messageId, item.popReceipt, undefined, 0);
          }
        }),
      );
      return taken;
    },
    async deletePoisoned(type, message) {
      await client(poisonName(type)).deleteMessage(message.messageId, message.popReceipt);
    },
    async poisonDepth(type) {
      const properties = await client(poisonName(type)).getProperties();
      return properties.approximateMessagesCount ?? 0;
    },
    async depth(type) {
      const properties = await client(queueName(type)).getProperties();
      return properties.approximateMessagesCount ?? 0;
    },
  };
}
