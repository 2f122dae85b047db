import * as z from 'zod';

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
/** Half of a UTF-16 surrogate pair: what an escape such as `\uD800` alone parses to in JSON. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why the database cannot store `text`, or null when it can. JSON carries both, but
 * Postgres refuses a NUL character in text and jsonb, and half of a surrogate pair is no
 * character at all (jsonb refuses it). Without this check such text fails only at the
 * insert, as an internal error that no retry cures.
 */
export function unstorableTextProblem(text: string): string | null {
  if (NUL.test(text)) return 'holds a NUL character (\\u0000), which a story cannot hold';
  if (LONE_SURROGATE.test(text)) return 'holds half of a surrogate pair (such as \\uD800 alone), which is not a character';
  return null;
}

/** `schema`, refusing text the database cannot store (see {@link unstorableTextProblem}). */
export function storable<T extends z.ZodString>(schema: T): T {
  return schema.superRefine((text, ctx) => {
    const problem = unstorableTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) as T;
}
