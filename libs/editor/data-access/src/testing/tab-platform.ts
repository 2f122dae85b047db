import type { TabPlatform } from '../user-stream/share-user-stream';

type Listener = (event: MessageEvent) => void;

interface LockRequest {
  callback: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * The Web Locks and BroadcastChannel of one browser profile, in memory, for unit tests
 * of tabs sharing a stream (Node has BroadcastChannel but no Web Locks). Like the
 * browser's: a channel delivers to every other channel of the same name, in order, never
 * to itself; a lock goes to one request at a time in request order; `steal` takes it at
 * once and rejects the holder's request; an aborted request leaves the queue. A tab can
 * be `freeze`d: it receives nothing until thawed, as a frozen page runs no task.
 */
export class FakeBrowser {
  private readonly channels = new Map<string, Set<FakeChannel>>();
  private readonly holders = new Map<string, LockRequest>();
  private readonly queues = new Map<string, LockRequest[]>();
  private tabs = 0;
  now = () => Date.now();

  /** One tab's platform; `freeze()` holds its channels' deliveries back until `thaw()`; `hidden` puts it out of sight. */
  tab(): TabPlatform & { frozen: boolean; hidden: boolean; freeze(): void; thaw(): void; loseHeld(): void } {
    const channels: FakeChannel[] = [];
    const tab = {
      frozen: false,
      freeze: () => (tab.frozen = true),
      /** What a frozen tab held back is lost, as when the page that sent it crashed before it arrived. */
      loseHeld: () => {
        for (const channel of channels) channel.loseHeld();
      },
      thaw: () => {
        tab.frozen = false;
        for (const channel of channels) channel.flush();
      },
      locks: { request: (name: string, options: LockOptions, callback: () => unknown) => this.request(name, options, callback) } as Pick<LockManager, 'request'>,
      openChannel: (name: string) => {
        const channel = this.open(name, tab);
        channels.push(channel);
        return channel;
      },
      now: () => this.now(),
      newTabId: () => `tab-${(this.tabs += 1)}`,
      hidden: false,
      isHidden: () => tab.hidden,
    };
    return tab;
  }

  private open(name: string, tab: { frozen: boolean }): FakeChannel {
    const channel = new FakeChannel(tab, (message) => {
      for (const other of this.channels.get(name) ?? []) if (other !== channel) other.deliver(message);
    });
    channel.onClose = () => this.channels.get(name)?.delete(channel);
    this.channels.set(name, (this.channels.get(name) ?? new Set()).add(channel));
    return channel;
  }

  private request(name: string, options: LockOptions, callback: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const request: LockRequest = { callback, resolve, reject };
      if (options.steal) {
        this.holders.get(name)?.reject(new DOMException('stolen', 'AbortError'));
        this.holders.delete(name);
        this.grant(name, request);
        return;
      }
      options.signal?.addEventListener('abort', () => {
        const queue = this.queues.get(name) ?? [];
        if (!queue.includes(request)) return;
        queue.splice(queue.indexOf(request), 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.queues.set(name, [...(this.queues.get(name) ?? []), request]);
      this.next(name);
    });
  }

  private next(name: string): void {
    if (this.holders.has(name)) return;
    const request = this.queues.get(name)?.shift();
    if (request) this.grant(name, request);
  }

  private grant(name: string, request: LockRequest): void {
    this.holders.set(name, request);
    void Promise.resolve()
      .then(request.callback)
      .then(request.resolve, request.reject)
      .finally(() => {
        if (this.holders.get(name) === request) this.holders.delete(name);
        this.next(name);
      });
  }
}

class FakeChannel {
  private readonly listeners = new Set<Listener>();
  private held: unknown[] = [];
  private closed = false;
  onClose = () => undefined as void;

  constructor(
    private readonly tab: { frozen: boolean },
    private readonly send: (message: unknown) => void,
  ) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new DOMException('closed', 'InvalidStateError');
    // Structured clone, as the browser does: no tab shares an object with another.
    this.send(structuredClone(message));
  }

  deliver(message: unknown): void {
    this.held.push(message);
    queueMicrotask(() => this.flush());
  }

  loseHeld(): void {
    this.held = [];
  }

  /** Delivers what a frozen tab held back, in order. */
  flush(): void {
    if (this.tab.frozen || this.closed) return;
    const held = this.held;
    this.held = [];
    for (const message of held) for (const listener of this.listeners) listener(new MessageEvent('message', { data: message }));
  }

  addEventListener(_type: 'message', listener: Listener): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.onClose();
  }
}
