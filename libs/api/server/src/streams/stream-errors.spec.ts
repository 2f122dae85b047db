import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openRawStream, publishNewStory, startTestStack, type TestStack } from '../testing';
import { until } from '../../../../../tools/testing/eventually';

const logLines: string[] = [];
let stack: TestStack;
let aliceCookie: string;
let aliceJob: string;
let bobJob: string;

beforeAll(async () => {
  stack = await startTestStack({ log: pino({ level: 'error' }, { write: (line: string) => void logLines.push(line) }) });
  aliceCookie = await stack.loginCookie('alice');
  const [alice, bob] = await Promise.all([stack.login('alice'), stack.login('bob')]);
  aliceJob = (await publishNewStory(alice, 1)).jobId;
  bobJob = (await publishNewStory(bob, 1)).jobId;
});
afterAll(() => stack?.close());

interface ErrorShape {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; stack?: string };
}

/** Opens a raw stream and returns the error it is refused with. */
async function refusal(options: Parameters<typeof openRawStream>[1]): Promise<{ error: ErrorShape; text: string; sentData: boolean }> {
  const stream = openRawStream(stack.baseUrl, { cookie: aliceCookie, ...options });
  // The response, and with it the connection, ends after its error.
  await stream.closed;
  const frames = stream.frames();
  const failure = frames.find((frame) => frame.event === 'serialized-error');
  if (!failure?.data) throw new Error(`no error frame in ${stream.text().slice(0, 400)}`);
  return { error: JSON.parse(failure.data) as ErrorShape, text: stream.text(), sentData: frames.some((frame) => frame.event === undefined) };
}

/** Nothing of the server's inside: no stack trace, no SQL, no file path. */
function expectNothingLeaked(text: string): void {
  expect(text).not.toMatch(/"stack"|\bselect\b|\bfrom "|\/work\/|node_modules|\.ts:\d+|at async/i);
}

describe('bad ids and input on the streams', () => {
  const cases: Array<[string, Parameters<typeof openRawStream>[1], RegExp]> = [
    ['a 20-digit sequence number', { path: 'jobs.watch', input: () => ({ jobId: aliceJob, lastEventId: '9'.repeat(20) }) }, /lastEventId.*sequence number from 0 to/],
    ['a 5,000-digit sequence number', { path: 'jobs.watch', input: () => ({ jobId: aliceJob, lastEventId: '9'.repeat(5_000) }) }, /lastEventId.*sequence number/],
    ['a sequence number beyond the job’s last event', { path: 'jobs.watch', input: () => ({ jobId: aliceJob, lastEventId: '999' }) }, /beyond this job's last event \(1\)/],
    ['a log position beyond the safe integers', { input: { lastEventId: '99999999999999999999' } }, /log position/],
    ['a log position of the older transaction-id form', { input: { lastEventId: '912-4711' } }, /log position such as 4711/],
    ['a log position no server has reached', { input: { lastEventId: '9999999999999' } }, /beyond every event of this server/],
    ['a log position in the Last-Event-ID header that is not one', { lastEventId: 'abc' }, /log position/],
    ['a job id that is not a UUID', { path: 'jobs.watch', input: { jobId: 5 } }, /jobId/],
    ['a missing job id', { path: 'jobs.watch', input: {} }, /jobId/],
    ['input that is not JSON', { query: '?input=%7Bnot-json' }, /input must be JSON/],
    ['a batched subscription', { query: '?batch=1&input=%7B%7D' }, /Cannot batch subscription calls/],
  ] as never;

  it.each(cases)('refuses %s with BAD_REQUEST before streaming anything', async (_name, options, message) => {
    const input = typeof options?.input === 'function' ? (options.input as () => unknown)() : options?.input;
    const { error, text, sentData } = await refusal({ ...options, input });
    expect(['BAD_REQUEST', 'PARSE_ERROR']).toContain(error.data.code);
    expect(error.message).toMatch(message);
    expect(sentData).toBe(false);
    expectNothingLeaked(text);
  });

  it('refuses another user’s job as FORBIDDEN and an unknown one as NOT_FOUND', async () => {
    expect((await refusal({ path: 'jobs.watch', input: { jobId: bobJob } })).error.data.code).toBe('FORBIDDEN');
    expect((await refusal({ path: 'jobs.watch', input: { jobId: '00000000-0000-4000-8000-000000000000' } })).error.data.code).toBe('NOT_FOUND');
  });

  it('refuses a stream without a session, and says so without a stack trace', async () => {
    const { error, text } = await refusal({ cookie: 'storyline_session=forged' });
    expect(error.data.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Please log in');
    expectNothingLeaked(text);
  });
});

describe('error responses', () => {
  it('carry no stack trace on plain requests, even “Please log in”', async () => {
    const me = await fetch(`${stack.baseUrl}/trpc/auth.me`);
    expect(me.status).toBe(401);
    const body = await me.text();
    expect(body).toContain('Please log in');
    expectNothingLeaked(body);
    const bad = await fetch(`${stack.baseUrl}/trpc/jobs.get?input=${encodeURIComponent('{"jobId":"x"}')}`, { headers: { cookie: aliceCookie } });
    expect(bad.status).toBe(400);
    expectNothingLeaked(await bad.text());
  });

  it('refuse a request target that is not a URL, and keep serving', async () => {
    const { connect } = await import('node:net');
    const { hostname, port } = new URL(stack.baseUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write('GET //example.com:abc HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  });

  it('refuse a body over the limit with 413 without reading it all, and keep serving', async () => {
    const huge = JSON.stringify({ storyId: '00000000-0000-4000-8000-000000000000', title: 't', pages: [{ en: 'x'.repeat(65 * 1024 * 1024), ro: '' }] });
    const response = await fetch(`${stack.baseUrl}/trpc/stories.saveDraft`, { method: 'POST', headers: { cookie: aliceCookie, 'content-type': 'application/json' }, body: huge });
    expect(response.status).toBe(413);
    const body = await response.text();
    expect(body).toContain('PAYLOAD_TOO_LARGE');
    expectNothingLeaked(body);
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  });

  // Last in the file: it breaks this file's database on purpose.
  it('answer an internal error with a reference the log line carries, and nothing of the cause', async () => {
    await stack.database.sql`drop table job_type_flags`;
    const response = await fetch(`${stack.baseUrl}/trpc/flags.list`, { headers: { cookie: aliceCookie } });
    expect(response.status).toBe(500);
    const body = await response.text();
    expectNothingLeaked(body);
    const reference = /internal error \(reference ([0-9a-f]+)\)/.exec(body)?.[1];
    expect(reference).toBeDefined();
    await until(() => logLines.some((line) => line.includes(`"reference":"${reference}"`)), 'the log line with the reference', 5_000);
    expect(logLines.find((line) => line.includes(reference as string))).toMatch(/job_type_flags/);

    const { error, text } = await refusal({});
    const streamReference = /internal error \(reference ([0-9a-f]+)\)/.exec(error.message)?.[1];
    expect(error.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(streamReference).toBeDefined();
    expect(text).toMatch(/retry: \d+/);
    expectNothingLeaked(text);
    await until(() => logLines.some((line) => line.includes(`"reference":"${streamReference}"`)), 'the stream’s log line', 5_000);
  });
});
