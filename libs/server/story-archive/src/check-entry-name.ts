const utf8 = new TextDecoder('utf-8', { fatal: true });

// C0 controls and DEL: a name holding them can hide its real shape from the person reading it.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const ABSOLUTE = /^([/\\]|[A-Za-z]:)/;

/** An entry's name as decoded, and why it is refused when it is. */
export interface CheckedEntryName {
  /** The name as text; invalid bytes shown as U+FFFD, so a message can still quote it. */
  name: string;
  problem?: string;
}

/**
 * Decodes a central-directory file name from its raw bytes and checks it can name nothing
 * outside the archive's own folder. Decoding is ours, not yauzl's: yauzl would turn
 * backslashes into slashes and stop at the first bad name, where we want to report each.
 * Every name a story archive may hold is ASCII, so a name that is not UTF-8 is refused
 * rather than guessed at as CP437.
 */
export function checkEntryName(raw: Buffer): CheckedEntryName {
  let name: string;
  try {
    name = utf8.decode(raw);
  } catch {
    name = raw.toString('utf8');
    return { name, problem: `The archive holds a file whose name is not readable text: ${name}` };
  }
  return { name, problem: pathProblem(name) };
}

function pathProblem(name: string): string | undefined {
  if (name.length === 0) return 'The archive holds a file with no name';
  if (CONTROL_CHARACTERS.test(name)) return `The archive holds a file name with hidden control characters: ${JSON.stringify(name)}`;
  if (ABSOLUTE.test(name)) return `The archive holds a path that starts at the top of a disk instead of inside its folder: ${name}`;
  if (name.split(/[/\\]/).includes('..')) return `The archive holds a path that leaves its folder: ${name}`;
  if (name.includes('\\')) return `The archive holds a file name with backslashes, which ZIP files must not use: ${name}`;
  return undefined;
}
