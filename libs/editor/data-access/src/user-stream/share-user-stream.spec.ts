import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Observable, Subject, type Subscriber, type Subscription } from 'rxjs';
import type { JobEvent, UserStreamMessage } from '@storyline/contracts';
import { FakeBrowser } from '../testing/tab-platform';
import type { UserStreamUpdate } from './connect-user-stream';
import { shareUserStream, type TabMessage, type TabPlatform, type TabRole } from './share-user-stream';

const JOB = '00000000-0000-4000-8000-000000000001';

/**
 * The server's side of `onMyJobs`, in memory: a log of events at increasing positions; a
 * connection opened after a position replays what follows it, then gets each new event.
 */
function fakeServer() {
  const log: Array<{ position: string; message: UserStreamMessage }> = [];
  const open = new Set<{ emit: (position: string, message: UserStreamMessage) => void }>();
  const opened: Array<string | null> = [];
  let connections = 0;
  let wakes = 0;
  const connect = (after: string | null, wake$: Observable<void>) =>
    new Observable<UserStreamUpdate>((subscriber: Subscriber<UserStreamUpdate>) => {
      opened.push(after);
      const woken = wake$.subscribe(() => (wakes += 1));
      const connection = (connections += 1);
      const emit = (position: string, message: UserStreamMessage) => subscriber.next({ kind: 'message', message, position, connection, after });
      subscriber.next({ kind: 'state', state: 'reconnecting' });
      const head = log.at(-1)?.position ?? '0';
      if (after === null) emit(head, { kind: 'snapshot', jobs: [], flags: [] });
      else {
        emit(after, { kind: 'flags', flags: [] });
        for (const entry of log) if (Number(entry.position) > Number(after)) emit(entry.position, entry.message);
      }
      subscriber.next({ kind: 'state', state: 'live' });
      const client = { emit };
      open.add(client);
      return () => {
        woken.unsubscribe();
        open.delete(client);
      };
    });
  let seq = 0;
  return {
    connect,
    opened,
    openCount: () => open.size,
    /** How often a connection was woken (a tab came back on screen). */
    wakes: () => wakes,
    /** Commits one event of the job and sends it to every open connection. */
    commit(): void {
      seq += 1;
      const event: JobEvent = { jobId: JOB, seq, at: new Date().toISOString(), kind: 'progress', progress: seq, message: null };
      const entry = { position: String(100 + seq), message: { kind: 'event', jobType: 'story-publish', event } as UserStreamMessage };
      log.push(entry);
      for (const client of open) client.emit(entry.position, entry.message);
    },
  };
}

type Server = ReturnType<typeof fakeServer>;

/** One tab sharing the stream: what it applied, in order, and its role. */
function openTab(server: Server, platform: TabPlatform | null, shown?: Subject<void>) {
  const seqs: number[] = [];
  const states: string[] = [];
  const snapshots: number[] = [];
  let role: TabRole | null = null;
  const subscription: Subscription = shareUserStream({
    userId: 'alice',
    connect: server.connect,
    snapshot: () => ({ kind: 'snapshot', jobs: [], flags: [] }),
    onRole: (next) => (role = next),
    platform,
    wake$: shown,
    quietMs: 500,
    takeoverMs: 750,
  }).subscribe((update) => {
    if (update.kind === 'state') return void states.push(update.state);
    if (update.message.kind === 'snapshot') snapshots.push(seqs.length);
    if (update.message.kind === 'event') seqs.push(update.message.event.seq);
  });
  return { seqs, states, snapshots, role: () => role, close: () => subscription.unsubscribe() };
}

/** Lets every message, lock grant and promise in flight land (setImmediate is left real). */
const settle = async () => {
  for (let round = 0; round < 5; round += 1) await new Promise((resolve) => setImmediate(resolve));
};
const upTo = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
afterEach(() => vi.useRealTimers());

describe('shareUserStream', () => {
  it('opens one connection for every tab, and a tab that joins late gets the state at once', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const tabs = [openTab(server, browser.tab()), openTab(server, browser.tab()), openTab(server, browser.tab())];
    await settle();
    expect(tabs.map((tab) => tab.role())).toEqual(['leader', 'follower', 'follower']);
    expect(server.opened).toEqual([null]);

    for (let i = 0; i < 3; i += 1) server.commit();
    await settle();
    for (const tab of tabs) expect(tab.seqs).toEqual([1, 2, 3]);
    for (const tab of tabs) expect(tab.states.at(-1)).toBe('live');

    const late = openTab(server, browser.tab());
    await settle();
    expect(late.snapshots).toEqual([0]);
    expect(late.states.at(-1)).toBe('live');
    server.commit();
    await settle();
    expect(late.seqs).toEqual([4]);
    expect(server.openCount()).toBe(1);
  });

  it('wakes the leader’s connection when any tab comes back on screen, a follower by telling the leader', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const shown = [new Subject<void>(), new Subject<void>()];
    const [leader, follower] = [openTab(server, browser.tab(), shown[0]), openTab(server, browser.tab(), shown[1])];
    await settle();
    expect([leader.role(), follower.role()]).toEqual(['leader', 'follower']);

    shown[1].next();
    await settle();
    expect(server.wakes()).toBe(1);
    shown[0].next();
    await settle();
    expect(server.wakes()).toBe(2);
    expect(server.opened).toEqual([null]);
  });

  it('hands the stream to the next tab when the leader closes, resuming where it stood: each event once, in order', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const [leader, ...followers] = [openTab(server, browser.tab()), openTab(server, browser.tab()), openTab(server, browser.tab())];
    await settle();
    server.commit();
    server.commit();
    await settle();

    leader.close();
    server.commit(); // committed while no tab holds the stream
    await settle();
    expect(followers.map((tab) => tab.role())).toEqual(['leader', 'follower']);
    expect(server.opened).toEqual([null, '102']);
    server.commit();
    await settle();
    for (const tab of followers) expect(tab.seqs).toEqual(upTo(4));
    expect(server.openCount()).toBe(1);
  });

  it('replays what a tab missed when the leader died before its last frames reached it', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const platforms = [browser.tab(), browser.tab(), browser.tab()];
    const [leader, next, behind] = platforms.map((platform) => openTab(server, platform));
    await settle();
    server.commit();
    await settle();

    // The third tab's deliveries are held back, then lost with the leader, as when a page crashes.
    platforms[2].freeze();
    server.commit();
    server.commit();
    await settle();
    platforms[2].loseHeld();
    platforms[2].thaw();
    leader.close();
    await settle();
    server.commit();
    await settle();

    expect(next.role()).toBe('leader');
    // The new leader resumed after its own position, then went back to where the third tab stood.
    expect(server.opened).toEqual([null, '103', '101']);
    expect(next.seqs).toEqual(upTo(4));
    expect(behind.seqs).toEqual(upTo(4));
  });

  it('takes the stream over from a leader that stops answering, and ignores that leader when it wakes up', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const platforms = [browser.tab(), browser.tab()];
    const [leader, follower] = platforms.map((platform) => openTab(server, platform));
    await settle();
    server.commit();
    await settle();

    platforms[0].freeze();
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(follower.role()).toBe('follower');
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(follower.role()).toBe('leader');
    expect(leader.role()).toBe('follower');
    expect(server.opened).toEqual([null, '101']);

    platforms[0].thaw();
    server.commit();
    await settle();
    expect(follower.seqs).toEqual([1, 2]);
    expect(leader.seqs).toEqual([1, 2]);
    expect(server.openCount()).toBe(1);
  });

  it('leaves a stopped leader alone while no tab is on screen, and takes over once one is', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const platforms = [browser.tab(), browser.tab()];
    const [, follower] = platforms.map((platform) => openTab(server, platform));
    await settle();
    platforms[1].hidden = true;
    platforms[0].freeze();
    await vi.advanceTimersByTimeAsync(5_000);
    await settle();
    expect(follower.role()).toBe('follower');

    platforms[1].hidden = false;
    await vi.advanceTimersByTimeAsync(1_500);
    await settle();
    expect(follower.role()).toBe('leader');
  });

  it('ignores frames from an older leader', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const tab = openTab(server, browser.tab());
    const follower = openTab(server, browser.tab());
    await settle();
    server.commit();
    await settle();
    const stale = browser.tab().openChannel('storyline.user-stream.alice');
    const event: JobEvent = { jobId: JOB, seq: 9, at: new Date().toISOString(), kind: 'progress', progress: 9, message: null };
    const frame: TabMessage = {
      kind: 'frame',
      leader: { tab: 'tab-0', since: 0 },
      link: 'tab-0:1:1',
      message: { kind: 'event', jobType: 'story-publish', event },
      position: '999',
      connection: 1,
      after: '101',
    };
    stale.postMessage(frame);
    await settle();
    expect(follower.seqs).toEqual([1]);
    expect(tab.seqs).toEqual([1]);
  });

  it('gives each tab its own connection in a browser without Web Locks or BroadcastChannel', async () => {
    const server = fakeServer();
    const tabs = [openTab(server, null), openTab(server, null)];
    await settle();
    server.commit();
    await settle();
    expect(tabs.map((tab) => tab.role())).toEqual(['alone', 'alone']);
    expect(server.openCount()).toBe(2);
    for (const tab of tabs) expect(tab.seqs).toEqual([1]);
  });

  it('closes the connection, the channel and the lock when the last tab unsubscribes', async () => {
    const server = fakeServer();
    const browser = new FakeBrowser();
    const tab = openTab(server, browser.tab());
    await settle();
    tab.close();
    await settle();
    expect(server.openCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const again = openTab(server, browser.tab());
    await settle();
    expect(again.role()).toBe('leader');
  });
});
