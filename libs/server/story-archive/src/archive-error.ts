/** How many problems an ArchiveError's message names before it says "and N more". */
const PROBLEMS_IN_MESSAGE = 3;

/**
 * A refused archive. `message` is fit for a user (an import job shows it as is);
 * `problems` lists every problem found, e.g. each invalid field of story.json with its path.
 */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  readonly problems: string[];

  constructor(message: string, options: { problems?: string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = options.problems ?? [message];
  }

  /**
   * One error for several problems, keeping them all in `problems`. With an `intro` the
   * message reads "intro: first; second; third (and 4 more)"; without, each problem is a
   * sentence of its own and the message is the first one "(and 6 more problems)".
   */
  static listing(problems: string[], intro?: string): ArchiveError {
    const rest = problems.length - (intro === undefined ? 1 : PROBLEMS_IN_MESSAGE);
    if (intro === undefined) {
      return new ArchiveError(rest > 0 ? `${problems[0]} (and ${rest} more ${rest === 1 ? 'problem' : 'problems'})` : problems[0], { problems });
    }
    const shown = problems.slice(0, PROBLEMS_IN_MESSAGE).join('; ');
    return new ArchiveError(rest > 0 ? `${intro}: ${shown} (and ${rest} more)` : `${intro}: ${shown}`, { problems });
  }
}
