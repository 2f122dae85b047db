import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function problemsOf(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the module boundaries', () => {
  it('let the editor import the router as a type', async () => {
    const problems = await problemsOf(
      "import type { AppRouter } from '@storyline/api-router';\nexport type Router = AppRouter;\n",
      'libs/editor/data-access/src/boundary-probe.ts',
    );
    expect(problems).toEqual([]);
  });

  it('forbid the editor a value import from the router', async () => {
    const problems = await problemsOf(
      "import { appRouter } from '@storyline/api-router';\nexport const router = appRouter;\n",
      'libs/editor/data-access/src/boundary-probe.ts',
    );
    expect(problems.join('\n')).toMatch(/may only `import type` from server code/);
  });

  it('forbid the editor any server lib', async () => {
    const problems = await problemsOf(
      "import { createDatabase } from '@storyline/db';\nexport const open = createDatabase;\n",
      'libs/editor/feature-stories/src/boundary-probe.ts',
    );
    expect(problems.join('\n')).toMatch(/@nx\/enforce-module-boundaries|import type/);
  });

  it('forbid server libs Angular', async () => {
    const problems = await problemsOf(
      "import { signal } from '@angular/core';\nexport const count = signal(0);\n",
      'libs/server/jobs/src/boundary-probe.ts',
    );
    expect(problems.join('\n')).toMatch(/@angular\/core/);
  });
});
