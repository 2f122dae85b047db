import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRouter } from '@storyline/api-router';
import { JobType } from '@storyline/contracts';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** Source files of the apps, libs and tools, tests left out: what reads the environment in production and in the tools a user runs. */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Every variable an app's or a tool's `env.ts` schema names, and every `process.env` read anywhere else. */
function environmentVariables(): Set<string> {
  const names = new Set<string>();
  for (const file of ['apps', 'libs', 'tools', 'e2e'].flatMap(sourceFiles)) {
    const text = read(file);
    if (file.endsWith('/env.ts')) for (const [, name] of text.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z\./gm)) names.add(name);
    for (const [, bracketed, dotted] of text.matchAll(/process\.env(?:\['([A-Z][A-Z0-9_]+)'\]|\.([A-Z][A-Z0-9_]+))/g)) names.add(bracketed ?? dotted);
  }
  // Set by the platform, not by a Storyline user.
  for (const name of ['CI', 'HOME', 'PATH']) names.delete(name);
  return names;
}

/** Repository paths a document names: in backticks or as a link target. */
function namedPaths(document: string): string[] {
  const text = read(document);
  const paths = new Set<string>();
  for (const [, path] of text.matchAll(/`((?:apps|libs|tools|e2e|docs)\/[\w./@-]+?)(?::\d[\d-]*)?`/g)) paths.add(path);
  for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    paths.add(relative(root, join(root, dirname(document), target)));
  }
  return [...paths].filter((path) => !/[*<>]/.test(path));
}

describe('the documentation', () => {
  it('names every tRPC router in docs/architecture.md', () => {
    const architecture = read('docs/architecture.md');
    const routers = Object.keys(appRouter._def.record);
    expect(routers.length).toBeGreaterThan(5);
    expect(routers.filter((name) => !architecture.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every job type in docs/jobs.md', () => {
    const jobs = read('docs/jobs.md');
    expect(JobType.options.filter((type) => !jobs.includes(`\`${type}\``))).toEqual([]);
  });

  it('documents every environment variable in docs/configuration.md', () => {
    const configuration = read('docs/configuration.md');
    const names = environmentVariables();
    expect(names.size).toBeGreaterThan(40);
    expect([...names].filter((name) => !configuration.includes(`\`${name}\``)).sort()).toEqual([]);
  });

  it('names only paths that exist', () => {
    const missing = documents.flatMap((document) => namedPaths(document).filter((path) => !existsSync(join(root, path))).map((path) => `${document}: ${path}`));
    expect(missing).toEqual([]);
  });

  it('keeps the README a page', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThan(10_000);
  });
});
